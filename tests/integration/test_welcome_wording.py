"""The welcome e-mail (Keycloak's execute-actions mail with UPDATE_PASSWORD) in the words of its
reader (issue 12.1): an employee reads about their own data and a choice of login code; the company
doctor and the arbodienst's casemanager, who belong to no employer, read about their work and that
the authenticator app (and keeping the recovery codes) is required for them. Rendered by the real
server through our e-mail theme, read from the real sink."""

import uuid

import pytest

from app import keycloak as kc
from app.keycloak import professionals
from tests.integration.test_email_snapshots import check_envelope

pytestmark = pytest.mark.integration

EMPLOYEE_WORDS = "Hier ziet u uw gegevens en documenten"
PROFESSIONAL_WORDS = "werkt u als bedrijfsarts of casemanager met de verzuimdossiers van de werkgevers die u bedient"
APP_REQUIRED = "Dat is voor u verplicht, omdat u met gezondheidsgegevens van anderen werkt"


def _welcome(mail_sink, email):
    message = mail_sink.wait_for(email, "Welkom")
    check_envelope(message, "Welkom: activeer uw account")
    return message


def test_an_employee_gets_the_employee_wording(portal, mail_sink):
    organization = kc.organizations.ensure_organization(portal.admin, f"Werkgever {uuid.uuid4().hex[:6]}",
                                                        f"{uuid.uuid4().hex[:8]}.nl")
    email = f"werknemer-{uuid.uuid4().hex[:8]}@example.nl"
    kc.users.create_employee(portal.admin, organization, email=email, first_name="Anna", last_name="de Vries",
                             birth_date="1980-03-07", mobile="+31612345678")
    message = _welcome(mail_sink, email)
    for part in (message["text"], message["html"]):
        assert EMPLOYEE_WORDS in part
        assert PROFESSIONAL_WORDS not in part and APP_REQUIRED not in part


@pytest.mark.parametrize("role", professionals.PROFESSIONAL_ROLES)
def test_the_arbodienst_s_people_get_their_own_wording(portal, mail_sink, role):
    email = f"{role}-{uuid.uuid4().hex[:8]}@arbodienst.example"
    professionals.ensure_professional(portal.admin, email=email, first_name="Fenna", last_name="Arts", role=role)
    message = _welcome(mail_sink, email)
    for part in (message["text"], message["html"]):
        assert PROFESSIONAL_WORDS in part and APP_REQUIRED in part and "herstelcodes" in part
        assert EMPLOYEE_WORDS not in part and "coachingtraject" not in part
