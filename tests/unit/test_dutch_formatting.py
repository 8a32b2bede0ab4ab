"""Numbers, dates and role names as a Dutch reader expects them (docs/glossary.md), English on request."""

import re
from datetime import date, datetime

from flask import render_template_string

from app.config import load_settings
from tests.portal_fixtures import sign_in

MONTH = r"(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)"
LABELS = '{% import "_labels.html" as labels %}'


def render(app, source, locale, **context):
    with app.test_request_context("/"):
        from flask import session

        session["locale"] = locale
        return render_template_string(LABELS + source, **context)


def test_percentages_and_dates_follow_the_language(app):
    assert render(app, "{{ labels.percent(7.2) }}", "nl") == "7,2%"
    assert render(app, "{{ labels.percent(7.2) }}", "en") == "7.2%"
    assert render(app, "{{ labels.percent(12.5, '#,##0.#%') }}|{{ labels.percent(10, '#,##0.#%') }}", "nl") == "12,5%|10%"
    assert render(app, "{{ labels.date(d) }}", "nl", d=date(2026, 12, 3)) == "3 december 2026"
    assert render(app, "{{ labels.date(d) }}", "en", d=date(2026, 12, 3)) == "3 December 2026"
    assert render(app, "{{ labels.date(None) }}", "nl") == "–"
    assert render(app, "{{ labels.datetime(d) }}", "nl", d=datetime(2026, 3, 14, 9, 5)) == "14 maart 2026 09:05"


def test_dashboard_shows_dutch_percentages_dates_and_role_names(app, client, world):
    sign_in(client, app, "superuser-a")
    html = client.get("/dashboard?status=all").get_data(as_text=True)
    percentage = re.search(r'id="stat-percentage">([^<]*)<', html).group(1)
    assert re.fullmatch(r"\d+,\d%", percentage), percentage  # "7,2%", never "7.2%"
    assert re.fullmatch(r"\d+,\d%", re.search(r'id="stat-month">([^<]*)<', html).group(1))
    assert re.search(rf"<td><a [^>]*>Anna A1</a></td>\s*<td>\d{{1,2}} {MONTH} \d{{4}} ", html)  # first sick day
    assert not re.search(r"\d{2}-\d{2}-\d{4}", html)
    roles = re.search(r'<span id="roles">(.*?)</span></p>', html, re.S).group(1)
    assert "Leidinggevende" in roles and "Beheerder" in roles
    assert not re.search(r">\s*(manager|superuser)\s*<", roles)

    client.post("/language", data={"locale": "en", "next": "/dashboard"})
    html = client.get("/dashboard?status=all").get_data(as_text=True)
    assert re.fullmatch(r"\d+\.\d%", re.search(r'id="stat-percentage">([^<]*)<', html).group(1))
    roles = re.search(r'<span id="roles">(.*?)</span></p>', html, re.S).group(1)
    assert "Manager" in roles and "Administrator" in roles


def test_dossier_dates_are_written_out(app, client, world):
    sign_in(client, app, "employee-a1")
    html = client.get("/dossier").get_data(as_text=True)
    assert "14 maart 1985" in html  # birth date
    assert re.search(rf"Ziek vanaf \d{{1,2}} {MONTH} \d{{4}}", html)
    assert not re.search(r"\d{2}-\d{2}-\d{4}", html)


def test_language_switch_is_labelled_in_the_page_language(app, client, world):
    sign_in(client, app, "employee-a1")
    assert 'id="language-switch" aria-label="Taal"' in client.get("/dossier").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/dossier"})
    assert 'id="language-switch" aria-label="Language"' in client.get("/dossier").get_data(as_text=True)


def test_one_neutral_sender_name_for_every_mail(monkeypatch):
    """Keycloak has one sender per realm and employees get mail too: never "Portaal Werkgever"."""
    monkeypatch.delenv("MAIL_FROM_NAME", raising=False)
    monkeypatch.setenv("ARBO_DISPLAY_NAME", "Arbo Oost")
    assert load_settings().mail_from_name == "Arbo Oost"
    monkeypatch.setenv("MAIL_FROM_NAME", "Uw arbodienst")
    assert load_settings().mail_from_name == "Uw arbodienst"
    from app.config import ROOT

    for path in ("realm-export.json", "docker-compose.yml", "app/config.py"):
        assert "Werkgever" not in "".join(line for line in (ROOT / path).read_text().splitlines() if "MAIL_FROM_NAME" in line)


def test_invitation_expiry_is_a_dutch_date(app):
    from app.invitations import epoch_date

    with app.test_request_context("/"):
        assert epoch_date(1796300700) == "3 december 2026 12:25 UTC"
        assert epoch_date("") == ""
