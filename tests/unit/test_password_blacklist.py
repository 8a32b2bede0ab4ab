"""The password deny list: how it is derived, what the shipped file holds, and where the runner puts it."""

import importlib.util
from pathlib import Path

from scripts import kc_runner

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "keycloak" / "password-blacklist"
SHIPPED = FOLDER / "arbo-common-passwords.txt"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_blacklist", FOLDER / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _source(tmp_path, passwords) -> Path:
    path = tmp_path / "frequency_lists.py"
    path.write_text('FREQUENCY_LISTS = {\n    "passwords": "' + ",".join(passwords) + '".split(","),\n'
                    '    "surnames": "smith,jones".split(","),\n}\n')
    return path


def test_the_generator_keeps_16_plus_and_stretches_short_common_passwords(tmp_path):
    generate = _generator()
    passwords = generate.read_source(_source(tmp_path, ["123456", "Password", "Dragon", "1qaz2wsx3edc4rfv"]))
    assert passwords == ["123456", "Password", "Dragon", "1qaz2wsx3edc4rfv"]  # only the passwords list
    entries = generate.generate(passwords)
    assert entries == sorted(set(entries)) and entries == generate.generate(passwords), "sorted, deterministic"
    assert all(e == e.lower() and 16 <= len(e) <= 128 for e in entries)
    for expected in ("1qaz2wsx3edc4rfv", "passwordpassword", "password1234567!", "password2024!!!!",
                     "dragondragon2024", "welkomwelkom2024!", "p@$$w0rdp@$$w0rd"):
        assert expected in entries, expected
    assert "password" not in entries and "123456" not in entries  # too short: the length rule refuses those


def test_the_shipped_list_is_lowercase_sorted_and_holds_the_obvious_ones():
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    assert 100_000 < len(lines) < 400_000
    assert lines == sorted(lines) and all(line == line.lower() and 16 <= len(line) <= 128 for line in lines)
    shipped = set(lines)
    assert {"password1234567!", "welkom2024!!!!!!", "wachtwoord123456", "qwertyqwerty123!"} <= shipped
    assert "zes-losse-woorden-op-1-rij" not in shipped


def test_the_realm_names_the_shipped_list():
    assert f"passwordBlacklist({SHIPPED.name})" in (ROOT / "realm-export.json").read_text()


def test_the_runner_installs_the_list_where_keycloak_reads_it(tmp_path):
    installed = kc_runner.install_password_blacklists(tmp_path)
    assert installed == [tmp_path / "data" / "password-blacklists" / SHIPPED.name]
    assert installed[0].read_bytes() == SHIPPED.read_bytes()


def test_the_docker_image_copies_the_list_to_the_same_place():
    dockerfile = (ROOT / "keycloak" / "Dockerfile").read_text()
    assert f"COPY password-blacklist/{SHIPPED.name} /opt/keycloak/data/password-blacklists/" in dockerfile
