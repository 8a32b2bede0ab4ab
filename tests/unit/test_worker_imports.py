"""A worker that serves only the everyday pages never loads python-keycloak (issue 14: memory per worker).

python-keycloak, and httpx and rich that it brings along, cost several MB per worker and only the
rare admin pages need them (app/keycloak/client.py). A fresh interpreter is the only honest place to
look: the test process itself has imported everything long ago.
"""

import json
import os
import subprocess
import sys

from app.config import ROOT

WORKER = """
import json, pathlib, sys
from tests.portal_fixtures import ORG, make_app, seed_world, sign_in

tmp = pathlib.Path(sys.argv[1])
app = make_app(tmp, keycloak_port=1)
world = seed_world(app)
statuses = {}
for sub, acting_for, paths in (
        ("manager-a", ORG["a"], ["/dashboard", f"/cases/{world.case_a1}", f"/documents/{world.a1_employer}"]),
        ("employee-a1", None, ["/dossier", f"/cases/{world.case_a1}"]),
        ("physician-a", None, ["/dashboard", f"/dossier/{world.a1}", f"/cases/{world.case_a1}/medical"])):
    client = app.test_client()
    statuses["/healthz"] = client.get("/healthz").status_code
    sign_in(client, app, sub, acting_for=acting_for)
    for path in paths:
        statuses[f"{sub} {path}"] = client.get(path).status_code
loaded = sorted({name.split(".")[0] for name in sys.modules} & {"keycloak", "httpx", "rich"})
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_everyday_pages_do_not_import_python_keycloak(tmp_path):
    env = dict(os.environ, LOCAL_DEVELOPMENT="1", DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite'}",
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", WORKER, str(tmp_path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["statuses"] and set(result["statuses"].values()) == {200}, result["statuses"]
    assert result["loaded"] == [], f"a page-serving worker imported {result['loaded']}"
