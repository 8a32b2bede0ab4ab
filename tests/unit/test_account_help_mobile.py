"""The mobile number staff type into a dossier: one form, the one the realm's user profile accepts."""

import pytest

from app.account_help import normalize_mobile


@pytest.mark.parametrize("typed, stored", [
    ("06 12345678", "+31612345678"),
    ("06-1234 5678", "+31612345678"),
    ("+31 6 1234 5678", "+31612345678"),
    ("0031612345678", "+31612345678"),
    ("+32 470 12 34 56", "+32470123456"),
])
def test_accepted_numbers_are_stored_in_international_form(typed, stored):
    assert normalize_mobile(typed) == stored


@pytest.mark.parametrize("typed", ["", None, "0612", "06123456789", "+0612345678", "06 1234 567a", "+31 6 12<b>"])
def test_anything_else_is_refused(typed):
    assert normalize_mobile(typed) is None
