"""Alembic environment: the app's models are the target metadata.

Run by the app at start (app/migrate.py passes its open connection in `config.attributes`), or by
hand with `alembic upgrade head`, which reads DATABASE_URL like the app does.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app import models  # noqa: F401 - registers the tables on the metadata
from app import server_sessions  # noqa: F401 - the server_session table
from app.extensions import db

target_metadata = db.metadata
config = context.config


def _url() -> str:
    from app.config import ROOT, load_settings

    return load_settings().database_url or f"sqlite:///{ROOT / 'instance' / 'portal.sqlite'}"


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
