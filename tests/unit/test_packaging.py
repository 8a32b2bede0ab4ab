"""The project is an installable package: no sys.path edits, python-keycloak never shadowed by the
repository's keycloak/ directory, and a non-editable install imports."""

from __future__ import annotations

import re
import subprocess
import sys

from app.config import ROOT

IMPORTS = "import app, app.keycloak, scripts.provision, scripts.kc_runner, scripts.demo_data, bench.routes"


def test_no_code_edits_sys_path():
    edits = re.compile(r"sys\.path\.(insert|append|extend)|sys\.path\s*=|site\.addsitedir")
    offenders = [f"{path.relative_to(ROOT)}" for folder in ("app", "scripts", "bench", "tests", "keycloak")
                 for path in (ROOT / folder).rglob("*.py") if edits.search(path.read_text(encoding="utf-8"))
                 and path.name != "test_packaging.py"]
    assert offenders == []


def test_the_keycloak_directory_is_no_python_package():
    assert not (ROOT / "keycloak" / "__init__.py").exists()
    assert not list((ROOT / "keycloak").glob("*.py")), "Python code lives in app/ or scripts/, not beside the themes"


def test_python_keycloak_is_not_shadowed_from_the_repository_root():
    # the repository root first on sys.path (cwd, as `python -m` and pytest put it), and keycloak/ itself
    probe = ("import keycloak, app.keycloak.client as c; from app.config import Settings; "
             "print(keycloak.__file__); print(type(c.portal_client(Settings())) is keycloak.KeycloakAdmin)")
    for path in (str(ROOT), f"{ROOT}:{ROOT / 'keycloak'}"):
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env={"PYTHONPATH": path, "PATH": "/usr/bin"},
                             capture_output=True, text=True, check=True).stdout.split()
        assert "site-packages" in out[0] and out[0].endswith("keycloak/__init__.py"), out
        assert out[1] == "True"


def test_a_non_editable_install_imports(tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(ROOT)],
                   check=True, capture_output=True, timeout=600)
    assert (target / "app" / "templates" / "base.html").exists()
    assert (target / "app" / "translations").is_dir() and not (target / "keycloak").exists()
    out = subprocess.run([sys.executable, "-c", IMPORTS + "; print(app.__file__)"], cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin"}, capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith(str(target))


def test_the_bench_routes_exist_only_with_bench_on(tmp_path):
    import dataclasses

    from app import create_app
    from app.config import load_settings

    for on in (False, True):
        settings = dataclasses.replace(load_settings(), keycloak_port=1, bench_routes=on,
                                       database_url=f"sqlite:///{tmp_path}/b{on}.sqlite")
        client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
        assert client.get("/bench/hello").status_code == (200 if on else 404)
        # the signed-in floor is a signed-in page like any other: without a session, the sign-in
        floor = client.get("/bench/floor")
        assert floor.status_code == (302 if on else 404)
        assert not on or "/auth/login" in floor.headers["Location"]
