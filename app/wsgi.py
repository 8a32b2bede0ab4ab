"""WSGI entry point for gunicorn: `gunicorn app.wsgi:app`."""

import sys

from app import create_app
from app.config import ProductionSecretsError

# gunicorn's "application failed to load" exit code: the master stops instead of booting new
# workers forever, and the one-sentence reason stays the last thing in the log.
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ProductionSecretsError as refusal:
    print(refusal, file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)
