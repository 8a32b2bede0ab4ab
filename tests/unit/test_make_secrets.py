"""`./dev secrets`: a fresh .env for docker compose, readable by its owner only, never overwritten."""

import stat

from app.config import secret_problem
from scripts import make_secrets


def _values(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_writes_every_secret_once_with_mode_600(tmp_path, capsys):
    target = tmp_path / ".env"
    assert make_secrets.main(["--write", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    values = _values(target.read_text())
    assert set(values) == set(make_secrets.SECRETS)
    assert all(secret_problem(value) is None for value in values.values())  # strong enough for the app's check
    assert len(set(values.values())) == len(values)
    assert "Wrote 8 secrets" in capsys.readouterr().out


def test_refuses_to_overwrite_an_existing_file(tmp_path, capsys):
    target = tmp_path / ".env"
    target.write_text("SECRET_KEY=the-one-in-use\n")
    assert make_secrets.main(["--write", str(target)]) == 1
    assert target.read_text() == "SECRET_KEY=the-one-in-use\n"
    assert "already exists; nothing was changed" in capsys.readouterr().err


def test_prints_fresh_values_each_time(capsys):
    make_secrets.main([])
    first = _values(capsys.readouterr().out)
    make_secrets.main([])
    second = _values(capsys.readouterr().out)
    assert first.keys() == second.keys() == set(make_secrets.SECRETS)
    assert not set(first.values()) & set(second.values())
