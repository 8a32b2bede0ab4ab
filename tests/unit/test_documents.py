"""Documents: download on a desktop, blocked on a phone (page and file route), upload checks."""

import pytest

from scripts.demo_data import tiny_pdf
from app.documents import UploadRejected, check_upload, is_mobile
from tests.portal_fixtures import sign_in

IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile Safari/537.36"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Safari/537.36"


def test_desktop_downloads_the_document(app, client, world):
    sign_in(client, app, "employee-a1")
    page = client.get(f"/documents/{world.a1_employee}", headers={"User-Agent": DESKTOP})
    assert 'id="open-document"' in page.get_data(as_text=True)
    file = client.get(f"/documents/{world.a1_employee}/file", headers={"User-Agent": DESKTOP})
    assert file.status_code == 200 and file.data.startswith(b"%PDF-")
    assert file.headers["Cache-Control"] == "no-store"
    assert "attachment" in file.headers["Content-Disposition"]


@pytest.mark.parametrize("agent", [IPHONE, ANDROID])
def test_phone_gets_the_explanation_not_the_file(app, client, world, agent):
    sign_in(client, app, "employee-a1")
    page = client.get(f"/documents/{world.a1_employee}", headers={"User-Agent": agent})
    html = page.get_data(as_text=True)
    assert 'id="mobile-blocked"' in html and 'id="open-document"' not in html and "computer" in html
    file = client.get(f"/documents/{world.a1_employee}/file", headers={"User-Agent": agent})
    assert file.status_code == 403 and not file.data.startswith(b"%PDF-")
    assert 'id="mobile-blocked"' in file.get_data(as_text=True)


def test_user_agents():
    assert is_mobile(IPHONE) and is_mobile(ANDROID)
    assert not is_mobile(DESKTOP) and not is_mobile(None)
    assert not is_mobile("Mozilla/5.0 (Linux; Android 14; SM-X910) AppleWebKit/537.36 Chrome/120 Safari/537.36")


def test_download_is_logged(app, client, world):
    sign_in(client, app, "employee-a1")
    client.get(f"/documents/{world.a1_employer}/file", headers={"User-Agent": DESKTOP})
    sign_in(client, app, "manager-a")
    assert client.get(f"/documents/{world.a1_employer}/file", headers={"User-Agent": DESKTOP}).status_code == 200
    sign_in(client, app, "employee-a1")
    html = client.get("/dossier/access-log").get_data(as_text=True)
    assert "Manager A" in html and "document geopend" in html


def test_upload_checks(app):
    with app.app_context():
        assert check_upload("brief.pdf", tiny_pdf("x")) == ("brief.pdf", "application/pdf")
        assert check_upload("C:\\Users\\x\\scan.PDF", tiny_pdf("x"))[0] == "scan.PDF"
        for name, data, reason in (("virus.exe", b"MZ...", "bestandstype"), ("nep.pdf", b"<html>", "past niet"),
                                   ("leeg.pdf", b"", "leeg"), ("geen-extensie", b"%PDF-", "bestandstype")):
            with pytest.raises(UploadRejected, match=reason):
                check_upload(name, data)
