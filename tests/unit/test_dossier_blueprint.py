"""The dossier, the case page and the employee's access log."""

from tests.portal_fixtures import MEDICAL_DOCUMENT_TITLE, SECRETS_A, SECRETS_B, sign_in


def test_employee_sees_own_dossier_without_the_physicians_fields(app, client, world):
    sign_in(client, app, "employee-a1")
    page = client.get("/dossier")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Anna A1" in html and "14 maart 1985" in html and "+31612345001" in html
    assert "Halve dagen administratief werk" in html
    assert "Uitnodiging A1" in html and "Plan van aanpak A1" in html
    assert MEDICAL_DOCUMENT_TITLE not in html
    assert not any(secret in html for secret in SECRETS_A)


def test_physician_sees_medical_fields_of_served_employer(app, client, world):
    sign_in(client, app, "physician-a")
    html = client.get(f"/dossier/{world.a1}").get_data(as_text=True)
    assert all(secret in html for secret in SECRETS_A)
    assert MEDICAL_DOCUMENT_TITLE in html
    assert client.get(f"/dossier/{world.b1}").status_code == 404


def test_staff_work_the_dossier_without_the_physicians_fields(app, client, world):
    """Diagnosis, cause, medical notes and medical documents are the physician's alone: the
    arbodienst's casemanager (staff) of the same employer sees the case, never those."""
    from app.documents import store_document
    from app.extensions import db
    from app.models import Audience, DocumentKind, Employee
    from scripts.demo_data import tiny_pdf

    with app.app_context():
        medical = store_document(db.session.get(Employee, world.b1), kind=DocumentKind.ABSENCE, title=MEDICAL_DOCUMENT_TITLE,
                                 audience=Audience.PHYSICIAN, filename="b1.pdf", data=tiny_pdf("b1"), created_by="test").id
    sign_in(client, app, "staff-b")
    assert client.get(f"/documents/{medical}").status_code == 404
    assert client.get(f"/documents/{medical}/file").status_code == 404
    dossier = client.get(f"/dossier/{world.b1}")
    html = dossier.get_data(as_text=True)
    assert dossier.status_code == 200 and "Ziekmelding" in html
    assert not any(secret in html for secret in SECRETS_B)
    assert MEDICAL_DOCUMENT_TITLE not in html
    case = client.get(f"/cases/{world.case_b1}")
    assert case.status_code == 200
    assert not any(secret in case.get_data(as_text=True) for secret in SECRETS_B)
    assert 'id="link-case-medical"' not in case.get_data(as_text=True)


def test_manager_case_page_has_no_medical_fields(app, client, world):
    sign_in(client, app, "manager-a")
    page = client.get(f"/cases/{world.case_a1}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Halve dagen administratief werk" in html
    assert not any(secret in html for secret in SECRETS_A)
    assert client.get(f"/dossier/{world.a1}").status_code == 404  # the overview, not the dossier


def test_reads_are_logged_and_the_employee_sees_who_looked(app, client, world):
    sign_in(client, app, "physician-a")
    client.get(f"/dossier/{world.a1}")
    sign_in(client, app, "manager-a")
    client.get(f"/cases/{world.case_a1}")
    sign_in(client, app, "employee-a1")
    html = client.get("/dossier/access-log").get_data(as_text=True)
    assert "Dokter A" in html and "bedrijfsarts" in html
    assert "Manager A" in html and "leidinggevende" in html


def test_someone_without_a_dossier_gets_a_clear_page(app, client, world):
    sign_in(client, app, "manager-b")
    html = client.get("/dossier").get_data(as_text=True)
    assert 'id="no-dossier"' in html
    assert client.get("/dossier/access-log").status_code == 404
