"""gunicorn reads this file from its working directory (the repository root; /srv/portal in the image).

It checks the production secrets once, in the master, before any worker is forked: a refusal is
one sentence and exit code 1, instead of every worker failing on its own (app/wsgi.py still
refuses, for a gunicorn started elsewhere).
"""

from app.config import load_settings, require_production_secrets


def on_starting(server):
    require_production_secrets(load_settings())
