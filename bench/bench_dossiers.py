"""Benchmark: the portal side of the HR import (app.employee_records), per row, on a throw-away
SQLite database (the development default; PostgreSQL: --database-url).

    .venv/bin/python -m bench.bench_dossiers [--count 2000] [--database-url postgresql+psycopg://...]

Four passes over the same employer, as an arbodienst meets them: the first import (every dossier
created), the same file again (nothing changes), a file in which every department changed, and
--mark-missing-as-left with half the people gone; one transaction per pass, as `provision import`
writes. Keycloak is not involved (its side is measured by
bench_invitations). Prints a table, then one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from datetime import date

from app import create_app
from app.config import load_settings
from app.employee_records import mark_missing_as_left, sync_employee
from app.employer_records import sync_employer
from app.extensions import db
from app.models import Employer

ORG = "bbbbbbbb-0000-4000-8000-0000000000be"


def people(count: int, department: str) -> list[dict]:
    return [{"email": f"p{i}@bench.example", "name": f"Persoon {i}", "personnel_number": f"P-{i:06d}",
             "birth_date": date(1970 + i % 30, 1 + i % 12, 1 + i % 28), "mobile": f"+316{i:08d}",
             "department": department, "start_date": date(2020, 1, 1), "left_on": None} for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench-dossiers-")
    settings = dataclasses.replace(load_settings(), database_url=args.database_url or f"sqlite:///{folder}/portal.sqlite",
                                   documents_dir=f"{folder}/documents")
    app = create_app({"SETTINGS": settings})
    results = {}
    with app.app_context():
        sync_employer(ORG, "Bench BV")
        employer = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == ORG))
        ids = set()
        for name, rows in (("create", people(args.count, "Inkoop")), ("unchanged", people(args.count, "Inkoop")),
                           ("update", people(args.count, "Verkoop"))):
            started = time.perf_counter()
            outcomes = [sync_employee(employer, row, commit=False) for row in rows]
            db.session.commit()  # as `provision import` does: one transaction per file
            seconds = time.perf_counter() - started
            ids = {o.employee_id for o in outcomes}
            expected = {"create": "created", "unchanged": "unchanged", "update": "updated"}[name]
            assert all(o.outcome == expected for o in outcomes), name
            results[name] = {"rows": len(rows), "seconds": round(seconds, 3), "rows_per_s": round(len(rows) / seconds)}
        started = time.perf_counter()
        left = mark_missing_as_left(employer, set(sorted(ids)[: args.count // 2]), date.today())
        seconds = time.perf_counter() - started
        results["mark_missing"] = {"rows": len(left), "seconds": round(seconds, 3),
                                   "rows_per_s": round(len(left) / seconds) if seconds else 0}
        db.session.remove()
        db.engine.dispose()
    print(f"{'pass':<14}{'rows':>8}{'seconds':>10}{'rows/s':>10}")
    for name, figures in results.items():
        print(f"{name:<14}{figures['rows']:>8}{figures['seconds']:>10.3f}{figures['rows_per_s']:>10}")
    print(json.dumps({"bench": "dossiers", "database": "postgresql" if args.database_url else "sqlite",
                      "count": args.count, **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
