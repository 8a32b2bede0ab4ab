"""`flask audit verify` and `flask audit purge`: the access log's hash chain from the command line.

Exit codes: 0 ok, 1 the chain is broken (the first broken row id is printed), 2 bad input.
Both commands also write a security-log line (with the chain's last hash for verify, so a SIEM
holds an outside copy of the chain's end).
"""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import audit_chain, security_log

audit = AppGroup("audit", help="The access log's hash chain (NEN 7513).")

EXIT_OK, EXIT_BROKEN, EXIT_BAD_INPUT = 0, 1, 2


@audit.command("verify")
def verify_command() -> None:
    """Recompute the chain; report the first broken row."""
    result = audit_chain.verify()
    if result.ok:
        click.echo(f"Access log intact: {result.rows} row(s) verified; last hash {result.last_hash or '-'}.")
        security_log.event("audit.verify", actor="cli", outcome="success", rows=result.rows,
                           last_hash=result.last_hash)
        sys.exit(EXIT_OK)
    click.echo(f"Access log broken at row {result.first_broken_id}: {result.reason}.", err=True)
    security_log.event("audit.verify", actor="cli", outcome="failure", target=result.first_broken_id,
                       reason=result.reason)
    sys.exit(EXIT_BROKEN)


@audit.command("purge")
@click.option("--older-than-days", type=int, default=None,
              help="Delete rows older than this many days (default: AUDIT_RETENTION_DAYS, 1826 = five years).")
def purge_command(older_than_days: int | None) -> None:
    """Delete rows past the retention period; the chain stays verifiable from a checkpoint."""
    days = older_than_days if older_than_days is not None else int(current_app.config["AUDIT_RETENTION_DAYS"])
    if days < 1:
        click.echo("--older-than-days must be 1 or more.", err=True)
        sys.exit(EXIT_BAD_INPUT)
    before = audit_chain.verify()
    if not before.ok:  # purging a broken chain would delete the evidence
        click.echo(f"Not purged: the access log is broken at row {before.first_broken_id} ({before.reason}).",
                   err=True)
        sys.exit(EXIT_BROKEN)
    deleted = audit_chain.purge(days)
    click.echo(f"Purged {deleted} row(s) older than {days} day(s).")
    security_log.event("audit.purge", actor="cli", outcome="success", rows=deleted, older_than_days=days)
    sys.exit(EXIT_OK)


def init_app(app: Flask) -> None:
    app.cli.add_command(audit)
