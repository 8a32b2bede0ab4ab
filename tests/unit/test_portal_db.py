"""The provisioning CLI's view of the portal database (scripts/portal_db.py)."""

import dataclasses

import pytest

from app.config import load_settings
from scripts.portal_db import PortalDatabaseError, portal_records


def test_the_database_is_brought_to_the_newest_migration(tmp_path):
    from app.extensions import db

    settings = dataclasses.replace(load_settings(), database_url=f"sqlite:///{tmp_path / 'p.sqlite'}")
    with portal_records(settings):
        columns = {row[1] for row in db.session.execute(db.text("PRAGMA table_info(employee)"))}
    assert {"personnel_number", "department", "start_date", "left_on"} <= columns


def test_an_unreachable_database_is_one_sentence_without_its_password():
    settings = dataclasses.replace(load_settings(),
                                   database_url="postgresql+psycopg://portal:GEHEIM-wachtwoord@127.0.0.1:1/portal")
    with pytest.raises(PortalDatabaseError) as refused:
        with portal_records(settings):
            pass
    message = str(refused.value)
    assert "antwoordt niet" in message and "GEHEIM" not in message and "***" in message
