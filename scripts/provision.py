"""Provisioning an arbodienst's Keycloak from the command line: realm, employers, invitations, imports.

    python -m scripts.provision --help
    python -m scripts.provision realm --name arbo-acme --display-name "Acme Arbo" --dry-run
    python -m scripts.provision employer create "EK88" --domain ek88.nl
    python -m scripts.provision invite --email marco@ek88.nl --first-name Marco --last-name "van Basten" --employer EK88
    python -m scripts.provision invitations list --employer EK88 --json
    python -m scripts.provision import hr-export.csv --dry-run
    python -m scripts.provision roles grant --employer EK88 --email marco@ek88.nl --role superuser

Roles manager and superuser hold for one employer (Keycloak organization groups). Adding an account
that already exists to an employer (e.g. someone of another employer) needs --existing-account.

All Keycloak work goes through the package app.keycloak (python-keycloak). Settings come from the
environment (app.config); --realm picks another realm.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from keycloak.exceptions import KeycloakConnectionError

from app import employee_records, employer_records, professional_records
from app.keycloak import employers as kc_employers, professionals as kc_professionals
from app import keycloak as kc
from app import validation
from app.config import load_settings
from app.extensions import db
from app.models import Employer
from scripts import bulk, exit_codes, import_resume
# exit codes and the one error boundary (one sentence, no traceback, no raw JSON/HTML): scripts/exit_codes.py
from scripts.exit_codes import (EXIT_BAD_INPUT, EXIT_CODES_HELP, EXIT_CONFLICT, EXIT_MAIL, EXIT_OK,  # noqa: F401
                                EXIT_PARTIAL, EXIT_REFUSED, EXIT_UNREACHABLE, NotKeycloak, Usage)
from scripts import provisioning_rows as rows
from scripts.portal_db import portal_records

console = Console(highlight=False)
MAX_WORKERS = 32  # parallel rows of an import; Keycloak's own worker pool is far larger (see README, Benchmarks)
errors = Console(stderr=True, highlight=False)


# --------------------------------------------------------------------------------------------
# helpers

def _admin(args):
    settings = load_settings()
    realm = validation.realm_name(settings.realm if args.realm is None else args.realm)
    if getattr(args, "master_admin", False):
        return _connected(kc.client.master_admin(settings, realm=realm), args)
    return _connected(kc.client.realm_admin(settings, realm=realm), args)


def _connected(admin, args):
    """The admin client signed in now, with --timeout: a wrong address, an address that is not
    Keycloak or wrong credentials show up here as one error, before any change."""
    admin.connection.timeout = getattr(args, "timeout", None) or 30
    try:
        kc.errors.guarded(admin.connection.get_token)
    except (AttributeError, TypeError, ValueError) as exc:  # python-keycloak got no JSON token back
        raise NotKeycloak("het antwoord op de aanmelding is geen Keycloak-token") from exc
    if not isinstance(admin.connection.token, dict):
        raise NotKeycloak("het antwoord op de aanmelding is geen Keycloak-token")
    return admin


def _employer(admin, name: str) -> dict:
    """The organization by name or alias (case-insensitive), or a usage error listing the known ones."""
    organizations = kc.organizations.list_organizations(admin)
    for organization in organizations:
        if name.lower() in (organization["name"].lower(), organization.get("alias", "").lower()):
            return organization
    known = ", ".join(sorted(o["name"] for o in organizations)) or "(geen)"
    raise Usage(f"onbekende werkgever {name!r}; bekend: {known}")


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _when(epoch) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if epoch else ""


# --------------------------------------------------------------------------------------------
# realm

def cmd_realm(args) -> int:
    settings = load_settings()
    # an explicit --name "" is an error, not a silent fall-back to the default realm
    name = validation.realm_name(settings.realm if args.name is None else args.name)
    placeholders = settings.realm_placeholders()
    overrides = {"ARBO_DISPLAY_NAME": args.display_name, "PORTAL_URL": args.portal_url,
                 "MAIL_FROM": args.mail_from, "MAIL_FROM_NAME": args.mail_from_name,
                 "MAIL_REPLY_TO": args.reply_to, "SMTP_HOST": args.smtp_host,
                 "SMTP_PORT": str(args.smtp_port) if args.smtp_port else None}
    too_long = validation.length_problems({
        "--display-name": args.display_name, "--brand-name": args.brand_name, "--logo-url": args.logo_url,
        "--mail-from": args.mail_from, "--mail-from-name": args.mail_from_name, "--reply-to": args.reply_to,
        "--portal-url": args.portal_url, "--smtp-host": args.smtp_host})
    if too_long:
        raise Usage("; ".join(too_long))
    placeholders |= {k: v for k, v in overrides.items() if v}
    # how long Keycloak keeps user and admin events (seconds); Keycloak's own import reads the same variable
    expiration = os.environ.get("KEYCLOAK_EVENTS_EXPIRATION", "").strip()
    if expiration:
        if not expiration.isdigit() or int(expiration) < 86400:
            raise Usage(f"KEYCLOAK_EVENTS_EXPIRATION moet een aantal seconden zijn (minimaal 86400), niet {expiration!r}")
        placeholders["KEYCLOAK_EVENTS_EXPIRATION"] = expiration
    desired = kc.realm.render_realm(placeholders, realm_name=name)
    brand = {"arboBrandName": args.brand_name or placeholders["ARBO_DISPLAY_NAME"],
             "arboBrandPrimaryColor": args.primary_color, "arboBrandLogoUrl": args.logo_url}
    if args.primary_color and not rows.re.fullmatch(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}", args.primary_color):
        raise Usage(f"--primary-color moet #rrggbb zijn, niet {args.primary_color!r}")
    if args.logo_url and not args.logo_url.startswith("https://"):
        raise Usage("--logo-url moet een https-adres zijn")
    for locale in desired.get("supportedLocales", ["nl"]):
        texts = desired.setdefault("localizationTexts", {}).setdefault(locale, {})
        texts.update({k: v for k, v in brand.items() if v})
    admin = _connected(kc.client.master_admin(settings, realm="master"), args)
    outcome, changes = kc.realm.sync_realm(admin, desired, dry_run=args.dry_run)
    if args.json:
        _print_json({"realm": name, "outcome": outcome,
                     "changes": [{"setting": k, "from": old, "to": new} for k, old, new in changes]})
        return EXIT_OK
    if outcome == "unchanged":
        console.print(f"Realm {name}: already up to date, nothing changed.")
        return EXIT_OK
    console.print(f"Realm {name}: {outcome}.")
    if "create" not in outcome:
        for key, old, new in changes:
            console.print(f"  {escape(key)}: {escape(json.dumps(old, ensure_ascii=False))} -> "
                          f"{escape(json.dumps(new, ensure_ascii=False))}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# employers

def cmd_employer_create(args) -> int:
    too_long = validation.length_problems({"--domain": args.domain})
    if too_long:
        raise Usage("; ".join(too_long))
    if not employer_records.DOMAIN.fullmatch(args.domain.lower()):
        raise Usage(f"ongeldig domein {args.domain!r} (bijvoorbeeld ek88.nl)")
    if rows.check_name(args.name, "naam"):
        raise Usage(rows.check_name(args.name, "naam"))
    admin = _admin(args)
    with portal_records():  # the organization and the portal's record bound to its id (the staff page's path too)
        organization_id, created, portal = employer_records.create_employer(admin, args.name, args.domain)
    if args.json:
        _print_json({"id": organization_id, "name": args.name, "created": created, "portal": portal})
    else:
        console.print(f"Werkgever {escape(args.name)}: {'aangemaakt' if created else 'bestond al'} ({organization_id}); "
                      f"portaal: {_PORTAL_OUTCOME[portal]}.")
    return EXIT_OK


_PORTAL_OUTCOME = {"created": "werkgever aangemaakt", "updated": "werkgever bijgewerkt",
                   "unchanged": "werkgever bestond al"}


def cmd_employer_rename(args) -> int:
    if rows.check_name(args.new_name, "nieuwe naam"):
        raise Usage(rows.check_name(args.new_name, "nieuwe naam"))
    admin = _admin(args)
    employer = _employer(admin, args.name)
    try:
        with portal_records():  # the same record, found by the organization id: every binding stays
            renamed = employer_records.rename_employer(admin, employer, args.new_name)
    except kc_employers.EmployerExists as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_CONFLICT
    if renamed:
        console.print(f"Werkgever {escape(employer['name'])} heet nu {escape(args.new_name)} ({employer['id']}); "
                      "rollen, medewerkers en dossiers blijven gekoppeld.")
    else:
        console.print(f"Werkgever {escape(args.new_name)} had die naam al; niets gewijzigd.")
    return EXIT_OK


def cmd_employer_list(args) -> int:
    organizations = kc.organizations.list_organizations(_admin(args))
    listing = [{"id": o["id"], "name": o["name"], "alias": o.get("alias", ""),
                "domains": [d["name"] for d in o.get("domains", [])]} for o in organizations]
    if args.json:
        _print_json(listing)
        return EXIT_OK
    table = Table("Werkgever", "Alias", "Domein(en)", "Id")
    for item in sorted(listing, key=lambda i: i["name"].lower()):
        table.add_row(escape(item["name"]), item["alias"], ", ".join(item["domains"]), item["id"])
    console.print(table)
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# invitations

def cmd_invite(args) -> int:
    email = args.email.strip().lower()
    problems = rows.check_person(email, args.first_name.strip(), args.last_name.strip())
    if problems:
        raise Usage("; ".join(problems))
    if args.role in kc_professionals.PROFESSIONAL_ROLES:
        return _invite_professional(args, email)
    if len(args.employer) != 1:
        raise Usage(f"een {args.role} hoort bij precies één werkgever: geef --employer één keer")
    admin = _admin(args)
    employer = _employer(admin, args.employer[0])
    # an existing account: say where it already is and how its names differ, and go on only with the flag
    account, note = kc.errors.guarded(kc.users.find_user_by_email, admin, email), ""
    if account:
        organization_ids = kc.organizations.user_organization_ids(admin, account["id"])
        if employer["id"] not in organization_ids:  # a member already: kc.invitations.invite says so (exit 6)
            names = {o["id"]: o["name"] for o in kc.organizations.list_organizations(admin)}
            note = import_resume.existing_account_report(account, organization_ids, names, args.first_name.strip(),
                                                         args.last_name.strip())
            if not args.existing_account:
                raise kc.errors.ExistingAccount(f"{note}; uitnodigen voor {employer['name']} alleen met --existing-account")
    kc.invitations.invite(admin, employer["id"], email=email, first_name=args.first_name.strip(),
              last_name=args.last_name.strip(), role=args.role, existing_account=args.existing_account,
              redirect_url=kc.invitations.welcome_url(args.portal_url or load_settings().portal_url))
    if note:
        console.print(f"Let op: {escape(note)}; toch uitgenodigd voor {escape(employer['name'])} (--existing-account).")
    console.print(f"Uitnodiging verstuurd aan {escape(email)} voor {escape(employer['name'])} als {args.role} "
                  "(link 3 dagen geldig).")
    return EXIT_OK


def _invite_professional(args, email: str) -> int:
    """A company doctor or staff member: an account with that realm role, the execute-actions e-mail as
    the invitation (link 3 days), and the employers they serve as ProfessionalAssignment rows."""
    admin = _admin(args)
    organizations = [_employer(admin, name) for name in args.employer]  # every name checked before any change
    client_id, redirect_uri = _portal_client(admin)
    with portal_records():  # the staff page's invitation form takes the same path (professional_records.invite)
        employers = [_portal_employer(organization, dry_run=False) for organization in organizations]
        user_id, outcome, added = professional_records.invite(
            admin, email=email, first_name=args.first_name.strip(), last_name=args.last_name.strip(), role=args.role,
            employers=employers, existing_account=args.existing_account, client_id=client_id, redirect_uri=redirect_uri)
        serves = [e.name for e in professional_records.served(user_id)]
    role = _ROLE_NAMES[args.role]
    if outcome == "invited":
        console.print(f"Uitnodiging verstuurd aan {escape(email)} als {role} (link 3 dagen geldig; bij de eerste keer "
                      "inloggen stelt u een authenticator-app in).")
    elif outcome == "role added":
        console.print(f"Let op: bestaand account {escape(email)} is nu ook {role} (--existing-account).")
    else:
        console.print(f"{escape(email)} is al {role}; geen nieuwe uitnodiging verstuurd.")
    console.print(f"Werkgevers die {escape(email)} bedient: {escape(', '.join(serves))}"
                  + (f" (nieuw: {escape(', '.join(e.name for e in added))})." if added else "."))
    return EXIT_OK


_ROLE_NAMES = {"physician": "bedrijfsarts", "staff": "medewerker van de arbodienst"}


def _portal_client(admin) -> tuple[str | None, str | None]:
    """The portal client and its base URL, where the e-mail's link returns after the password is set
    (None, None: Keycloak's own account page, when the provisioning account may not view clients)."""
    try:
        portal = next((c for c in kc.errors.guarded(admin.get_clients) if c["clientId"] == load_settings().portal_client_id),
                      None)
    except kc.errors.KeycloakRefused as exc:  # the provisioning account may not view clients: Keycloak's default page then
        if isinstance(exc, kc.errors.BadCredentials):
            raise
        portal = None
    return (portal["clientId"], portal["baseUrl"]) if portal and portal.get("baseUrl") else (None, None)


def cmd_invitations_list(args) -> int:
    admin = _admin(args)
    employers = [_employer(admin, args.employer)] if args.employer else kc.organizations.list_organizations(admin)
    listing = []
    for employer in employers:
        for item in kc.invitations.invitation_overview(admin, employer["id"]):
            if not args.status or item["status"] == args.status:
                listing.append({"employer": employer["name"], **item})
    if args.json:
        _print_json(listing)
        return EXIT_OK
    table = Table("Werkgever", "E-mail", "Naam", "Rol", "Status", "Verstuurd", "Verloopt", "Id")
    for item in listing:
        table.add_row(escape(item["employer"]), escape(item["email"]),
                      escape(f"{item['firstName']} {item['lastName']}".strip()), item["role"], item["status"],
                      _when(item["sentDate"]), _when(item["expiresAt"]), item["id"] or "")
    console.print(table if listing else "Geen uitnodigingen.")
    return EXIT_OK


def _invitation(admin, args) -> tuple[dict, dict]:
    employer = _employer(admin, args.employer)
    if args.id:
        return employer, kc.invitations.get_invitation(admin, employer["id"], args.id)
    found = kc.invitations.list_invitations(admin, employer["id"], email=args.email.strip().lower())
    if not found:
        raise kc.errors.NotFound(f"geen uitnodiging voor {args.email} bij {employer['name']}")
    return employer, found[0]


def cmd_invitations_resend(args) -> int:
    admin = _admin(args)
    employer, invitation = _invitation(admin, args)
    kc.invitations.resend_invitation(admin, employer["id"], invitation["id"])
    console.print(f"Nieuwe uitnodiging verstuurd aan {escape(invitation['email'])} (nieuwe link, 3 dagen geldig).")
    return EXIT_OK


def cmd_invitations_revoke(args) -> int:
    admin = _admin(args)
    employer, invitation = _invitation(admin, args)
    kc.invitations.revoke_invitation(admin, employer["id"], invitation["id"])
    console.print(f"Uitnodiging voor {escape(invitation['email'])} ingetrokken; de link werkt niet meer.")
    return EXIT_OK


def cmd_invitations_apply_roles(args) -> int:
    admin = _admin(args)
    employers = [_employer(admin, args.employer)] if args.employer else kc.organizations.list_organizations(admin)
    granted = {e["name"]: kc.invitations.apply_invited_roles(admin, e["id"]) for e in employers}
    if args.json:
        _print_json(granted)
    else:
        for name, emails in granted.items():
            for email in emails:
                console.print(f"{escape(name)}: rol toegekend aan {escape(email)}")
        console.print(f"{sum(map(len, granted.values()))} rol(len) toegekend.")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# per-employer roles

def _member(admin, employer: dict, email: str) -> dict:
    member = kc.organizations.find_member_by_email(admin, employer["id"], email.strip().lower())
    if member is None:
        raise Usage(f"{email} is geen lid van {employer['name']}")
    return member


def cmd_roles_grant(args) -> int:
    admin = _admin(args)
    employer = _employer(admin, args.employer)
    member = _member(admin, employer, args.email)
    kc.roles.grant_employer_roles(admin, employer["id"], member["id"], kc.invited_roles.INVITE_ROLES[args.role])
    console.print(f"{escape(args.email)} is nu {args.role} van {escape(employer['name'])} (alleen daar).")
    return EXIT_OK


def cmd_roles_revoke(args) -> int:
    admin = _admin(args)
    employer = _employer(admin, args.employer)
    member = _member(admin, employer, args.email)
    kc.roles.revoke_employer_roles(admin, employer["id"], member["id"])
    console.print(f"{escape(args.email)} heeft geen rol meer bij {escape(employer['name'])}.")
    return EXIT_OK


def cmd_roles_prune(args) -> int:
    removed = kc.roles.prune_role_groups(_admin(args))
    for line in removed:
        console.print(f"verwijderd: {escape(line)}")
    console.print(f"{len(removed)} rol(len) opgeruimd.")
    return EXIT_OK


def cmd_employer_delete(args) -> int:
    """Remove the employer from Keycloak (organization and roles); in the portal it is archived: its
    dossiers are kept for the legal retention time, never silently deleted. Needs a confirmation."""
    admin = _admin(args)
    employer = _employer(admin, args.name)
    with portal_records():
        record = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == employer["id"]))
        dossiers = employer_records.dossier_count(record)
    what = (f"Werkgever {employer['name']} wordt uit Keycloak verwijderd: niemand kan er nog namens inloggen en "
            f"alle rollen daar vervallen. De {dossiers} dossier(s) in het portaal worden gearchiveerd en "
            f"{employer_records.RETENTION_YEARS} jaar bewaard (WGBO); er wordt niets verwijderd.")
    if not args.yes and not _confirmed(what):
        errors.print(f"{escape(what)}\nNiets gewijzigd: bevestig met --yes.")
        return EXIT_BAD_INPUT
    with portal_records():  # archived first, then the organization (the staff page's path too)
        employer_records.remove_employer(admin, employer["id"])
    console.print(f"Werkgever {escape(employer['name'])} ({employer['id']}) en zijn rollen verwijderd; "
                  f"{dossiers} dossier(s) gearchiveerd, {employer_records.RETENTION_YEARS} jaar bewaard.")
    return EXIT_OK


def _confirmed(what: str) -> bool:
    """Ask on a terminal; anything else (a script, a pipe) must pass --yes."""
    if not sys.stdin.isatty():
        return False
    console.print(escape(what))
    return input("Doorgaan? Typ 'ja': ").strip().lower() == "ja"


def cmd_roles_migrate(args) -> int:
    """Realm roles manager/superuser held for every employer; they grant nothing any more. A holder
    who is a member of exactly one employer gets the same role there; holders in several employers
    are listed for an explicit `roles grant` per employer (guessing would recreate the leak)."""
    admin = _admin(args)
    names = {o["id"]: o["name"] for o in kc.organizations.list_organizations(admin)}
    ambiguous, granted = [], []
    for role in kc.roles.EMPLOYER_ROLES:
        try:
            holders = kc.errors.guarded(admin.get_realm_role_members, role)
        except kc.errors.NotFound:
            continue  # the realm has no such role (any more)
        for user in holders:
            organizations = sorted(kc.organizations.user_organization_ids(admin, user["id"]))
            if len(organizations) == 1:
                if not args.dry_run:
                    kc.roles.grant_employer_roles(admin, organizations[0], user["id"], kc.invited_roles.INVITE_ROLES[role])
                granted.append((user.get("email", user["id"]), role, names.get(organizations[0], organizations[0])))
            else:
                ambiguous.append((user.get("email", user["id"]), role, [names.get(o, o) for o in organizations]))
    for email, role, employer in granted:
        console.print(f"{'zou ' if args.dry_run else ''}{escape(email)}: {role} van {escape(employer)}")
    for email, role, employers in ambiguous:
        console.print(f"NIET overgezet: {escape(email)} ({role}) is lid van {escape(', '.join(employers) or 'geen werkgever')}; "
                      "kies per werkgever met 'roles grant'.")
    return EXIT_PARTIAL if ambiguous else EXIT_OK


# --------------------------------------------------------------------------------------------
# import

def _import_row(admin, employer_id: str, row: rows.Row, client_id: str | None, redirect_uri: str | None,
                existing_account: bool = False, employer_names: dict[str, str] | None = None) -> str:
    """Bring one person in line, finishing what an interrupted run began (scripts/import_resume.py);
    returns what happened ("created", "invited", "completed ...", "unchanged ...").

    An address with an account that is not yet a member of this employer is refused (the row fails
    with the employers it is in and any name difference) unless existing_account: joining a second
    employer is an explicit act."""
    names = employer_names or {}
    if row.role == "employee":
        return import_resume.import_employee(admin, employer_id, row, client_id=client_id, redirect_uri=redirect_uri,
                                             existing_account=existing_account, employer_names=names)
    return import_resume.import_invitation(admin, employer_id, row, redirect_url=kc.invitations.welcome_url(load_settings().portal_url),
                                           existing_account=existing_account, employer_names=names)


def _planned(admin, employer_id: str, row: rows.Row, existing_account: bool = False,
             employer_names: dict[str, str] | None = None) -> str:
    """What the import would do with this row (the same checks, refusals included), changing nothing."""
    names = employer_names or {}
    if row.role == "employee":
        return import_resume.import_employee(admin, employer_id, row, client_id=None, redirect_uri=None,
                                             existing_account=existing_account, employer_names=names, dry_run=True)
    return import_resume.import_invitation(admin, employer_id, row, redirect_url="", existing_account=existing_account,
                                           employer_names=names, dry_run=True)


def cmd_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise Usage(f"bestand niet gevonden: {path}")
    raw = path.read_bytes()
    rows.decode(raw)  # encoding problems are usage errors, before talking to Keycloak
    admin = _admin(args)
    organizations = kc.organizations.list_organizations(admin)
    by_name = {}
    for organization in organizations:
        by_name[organization["name"].lower()] = organization
        by_name[organization.get("alias", "").lower()] = organization
    parsed = rows.parse_csv(raw, known_employers={k for k in by_name if k})
    employer_names = {o["id"]: o["name"] for o in organizations}
    # the welcome link returns to the portal as this realm knows it (its client's base URL)
    try:
        portal = next((c for c in kc.errors.guarded(admin.get_clients) if c["clientId"] == load_settings().portal_client_id), None)
    except kc.errors.KeycloakRefused as exc:  # the provisioning account may not view clients: Keycloak's default page then
        if isinstance(exc, kc.errors.BadCredentials):
            raise
        portal = None
    client_id, redirect_uri = (portal["clientId"], portal["baseUrl"]) if portal and portal.get("baseUrl") else (None, None)
    outcomes: dict[int, str] = {}
    failed: list[rows.Rejected] = []
    unreachable = False
    work = parsed.rows
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=errors, disable=args.json or not work) as progress:
        task = progress.add_task("dry run" if args.dry_run else "import", total=len(work))

        def one(row: rows.Row) -> str:
            employer_id = by_name[row.employer.lower()]["id"]
            if _is_leaver(row):  # no account and no welcome mail for someone who has left
                return _leaver(admin, row)
            if args.dry_run:
                return _planned(admin, employer_id, row, args.existing_account, employer_names)
            return _import_row(admin, employer_id, row, client_id, redirect_uri, args.existing_account, employer_names)

        for row, outcome, error in bulk.run_bounded(one, work, min(args.workers, MAX_WORKERS)):
            if error is None:
                outcomes[row.line] = outcome
            elif isinstance(error, (kc.errors.KeycloakUnreachable, KeycloakConnectionError)):
                unreachable = True
                failed.append(rows.Rejected(row.line, row.email, "Keycloak onbereikbaar; opnieuw draaien maakt "
                                                                  "deze regel af"))
            elif isinstance(error, Exception):  # one bad row must not stop the others
                failed.append(rows.Rejected(row.line, row.email, exit_codes.explain(error)[1]))
            else:
                raise error
            progress.advance(task)
    dossiers = _import_dossiers(admin, parsed, by_name, outcomes, failed, args)
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        key = outcome.split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    summary = {"rows": len(parsed.rows) + len(parsed.rejected), "empty_lines": parsed.empty_lines,
               "rejected": len(parsed.rejected), "failed": len(failed), **counts, **dossiers["counts"],
               "dry_run": args.dry_run}
    report = {"summary": summary,
              "rejected": [asdict(r) for r in sorted(parsed.rejected, key=lambda r: r.line)],
              "failed": [asdict(r) for r in sorted(failed, key=lambda r: r.line)],
              "done": [{"line": line, "outcome": outcome} for line, outcome in sorted(outcomes.items())],
              "dossiers": dossiers["dossiers"], "marked_left": dossiers["marked_left"],
              "mark_missing_refused": dossiers.get("mark_missing_refused", "")}
    if args.json:
        _print_json(report)
    else:
        _print_problems("Afgewezen regels (niets mee gedaan)", parsed.rejected)
        _print_problems("Mislukte regels (opnieuw draaien maakt af wat begonnen is)", failed)
        _print_dossiers(dossiers, args.dry_run)
        console.print("Samenvatting: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    if unreachable:
        errors.print("Keycloak was onbereikbaar; draai de import opnieuw zodra Keycloak weer werkt.")
        return EXIT_UNREACHABLE
    return EXIT_PARTIAL if parsed.rejected or failed else EXIT_OK


def cmd_cases_import(args) -> int:
    from scripts import case_import  # the portal database, not Keycloak (issue 12.2)

    return case_import.run(args.file, dry_run=args.dry_run, as_json=args.json, console=console, errors=errors)


def _is_leaver(row: rows.Row) -> bool:
    return row.role == "employee" and bool(row.end_date) and row.end_date <= date.today().isoformat()


def _leaver(admin, row: rows.Row) -> str:
    """A leaver keeps their account if they have one; none is made (and no welcome mail sent)."""
    if kc.errors.guarded(kc.users.find_user_by_email, admin, row.email):
        return "unchanged (uit dienst, account blijft)"
    return "unchanged (uit dienst, geen account aangemaakt)"


def _import_dossiers(admin, parsed: rows.Parsed, by_name: dict, outcomes: dict[int, str],
                     failed: list[rows.Rejected], args) -> dict:
    """The portal side of the import: each employee row whose Keycloak part went through (or, in a dry
    run, was checked) creates or updates its dossier record (app.employee_records); --mark-missing-as-left
    marks the employees of the file's employers that the file no longer lists. Adds a row that cannot
    be matched to failed."""
    done = [row for row in parsed.rows if row.role == "employee" and row.line in outcomes]
    result = {"dossiers": [], "marked_left": [], "counts": {}}
    if not done and not args.mark_missing_as_left:
        return result
    today = date.today()
    with portal_records():
        employers, present = {}, {}
        for row in done:
            organization = by_name[row.employer.lower()]
            employer = employers.get(organization["id"])
            if employer is None:
                employer = _portal_employer(organization, args.dry_run)
                employers[organization["id"]] = employer
                present[organization["id"]] = set()
            try:
                outcome = _sync_dossier(admin, employer, row, parsed.optional_columns, args.dry_run)
            except employee_records.RecordConflict as exc:
                failed.append(rows.Rejected(row.line, row.email, f"dossier: {exc}"))
                continue
            if outcome.employee_id:
                present[organization["id"]].add(outcome.employee_id)
            result["dossiers"].append({"line": row.line, **outcome.as_dict()})
        db.session.commit()  # every dossier of the file in one transaction
        if args.mark_missing_as_left:
            if parsed.rejected or failed:
                result["mark_missing_refused"] = (
                    "--mark-missing-as-left niet toegepast: er zijn afgewezen of mislukte regels, dus ontbreken "
                    "er mogelijk mensen die nog in dienst zijn; verbeter het bestand en draai opnieuw.")
            else:
                for organization_id, employer in employers.items():
                    if employer.id is None:  # dry run, new employer: nobody to mark
                        continue
                    for outcome in employee_records.mark_missing_as_left(employer, present[organization_id], today,
                                                                         dry_run=args.dry_run):
                        result["marked_left"].append({"employer": employer.name, **outcome.as_dict()})
    for item in result["dossiers"]:
        key = f"dossiers_{item['outcome']}"
        result["counts"][key] = result["counts"].get(key, 0) + 1
    if result["marked_left"]:
        result["counts"]["dossiers_marked_left"] = len(result["marked_left"])
    return result


def _portal_employer(organization: dict, dry_run: bool) -> Employer:
    """The portal's record of this organization; an employer made before records followed provisioning
    gets one now (bound by id). In a dry run an unsaved stand-in (id None) when there is none yet."""
    found = db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization["id"]))
    if found is not None or dry_run:
        return found or Employer(name=organization["name"], keycloak_org_id=organization["id"])
    employer_records.sync_employer(organization["id"], organization["name"], organization.get("alias") or None)
    return db.session.scalar(db.select(Employer).where(Employer.keycloak_org_id == organization["id"]))


def _sync_dossier(admin, employer: Employer, row: rows.Row, columns: tuple[str, ...], dry_run: bool):
    """One row's dossier. An empty optional cell leaves the field alone, except end_date: empty there
    means employed (a re-hire clears the mark)."""
    wanted = {"email": row.email, "name": f"{row.first_name} {row.last_name}",
              "birth_date": date.fromisoformat(row.birth_date), "mobile": row.mobile}
    for column, value in (("personnel_number", row.personnel_number), ("department", row.department),
                          ("start_date", row.start_date and date.fromisoformat(row.start_date))):
        if column in columns and value:
            wanted[column] = value
    if "end_date" in columns:
        wanted["left_on"] = date.fromisoformat(row.end_date) if row.end_date else None
    if employer.id is None:  # dry run, employer not yet in the portal: every dossier would be new
        return employee_records.Outcome("created", row.email, [(f, None, v) for f, v in wanted.items() if v is not None])
    existing = employee_records.find_employee(employer, email=row.email, personnel_number=wanted.get("personnel_number"))
    user_id = None
    if not dry_run and (existing is None or existing.keycloak_user_id is None):
        user = kc.errors.guarded(kc.users.find_user_by_email, admin, row.email)  # only for a dossier not yet linked
        user_id = user["id"] if user else None
    return employee_records.sync_employee(employer, wanted, keycloak_user_id=user_id, dry_run=dry_run, commit=False)


def _print_dossiers(dossiers: dict, dry_run: bool) -> None:
    """One unwrapped line per changed dossier (field: old -> new), so it can be read and grepped whole."""
    note = " (dry run: niets opgeslagen)" if dry_run else ""
    changed = [d for d in dossiers["dossiers"] if d["outcome"] in ("updated", "left")]
    if changed:
        console.print(f"Gewijzigde dossiers in het portaal{note}:")
        for item in changed:
            console.print(f"  regel {item['line']}, {escape(item['email'])}: {_DOSSIER_OUTCOME[item['outcome']]}: "
                          f"{escape(_changes_text(item['changes']))}", soft_wrap=True)
    if dossiers["marked_left"]:
        console.print(f"Niet meer in het bestand, gemarkeerd als uit dienst (niet verwijderd){note}:")
        for item in dossiers["marked_left"]:
            console.print(f"  {escape(item['employer'])}: {escape(item['email'])}", soft_wrap=True)
    if dossiers.get("mark_missing_refused"):
        errors.print(dossiers["mark_missing_refused"])


_DOSSIER_OUTCOME = {"created": "aangemaakt", "updated": "bijgewerkt", "left": "uit dienst", "unchanged": "ongewijzigd"}


def _changes_text(changes: list[dict]) -> str:
    return "; ".join(f"{employee_records.LABELS.get(c['field'], c['field'])}: {c['from'] or '(leeg)'} -> "
                     f"{c['to'] or '(leeg)'}" for c in changes)


def _print_problems(title: str, problems: list[rows.Rejected]) -> None:
    if not problems:
        return
    table = Table("Regel", "E-mail", "Reden", title=title)
    for problem in sorted(problems, key=lambda p: p.line):
        table.add_row(str(problem.line), escape(problem.email), escape(problem.reason))
    console.print(table)


# --------------------------------------------------------------------------------------------
# argument parsing

def build_parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="python -m scripts.provision", formatter_class=formatter,
        description="Provision an arbodienst's Keycloak: realm, employers, invitations and HR imports.",
        epilog=EXIT_CODES_HELP + "\n\nSettings come from the environment (KEYCLOAK_HOST, KEYCLOAK_PORT, "
               "PROVISIONER_CLIENT_SECRET, ...; see README).")
    parser.add_argument("--realm", help="realm to work in (default: KEYCLOAK_REALM or 'arbo')")
    parser.add_argument("--timeout", type=float, default=30, metavar="SECONDS",
                        help="how long to wait for each answer from Keycloak (default 30)")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an error as well")
    parser.add_argument("--master-admin", action="store_true",
                        help="use the master realm's admin account instead of the realm's provisioning service account")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def sub(parent, name, help_text, handler):
        command = parent.add_parser(name, help=help_text, description=help_text, epilog=EXIT_CODES_HELP,
                                    formatter_class=formatter)
        command.set_defaults(handler=handler)
        return command

    realm = sub(commands, "realm", "create or update a realm from realm-export.json (idempotent)", cmd_realm)
    realm.add_argument("--name", help="realm name (default: KEYCLOAK_REALM or 'arbo')")
    realm.add_argument("--display-name", help="the arbodienst's name, shown on every page and e-mail")
    realm.add_argument("--brand-name", help="name in the theme's header (realm text arboBrandName)")
    realm.add_argument("--primary-color", help="theme colour #rrggbb (realm text arboBrandPrimaryColor)")
    realm.add_argument("--logo-url", help="https address of the logo (realm text arboBrandLogoUrl)")
    realm.add_argument("--mail-from", help="sender address, e.g. inloggen@portaal.example")
    realm.add_argument("--mail-from-name", help="sender display name")
    realm.add_argument("--reply-to", help="reply-to address, e.g. noreply@portaal.example")
    realm.add_argument("--portal-url", help="the portal's address (redirect and logout URLs)")
    realm.add_argument("--smtp-host", help="SMTP server host")
    realm.add_argument("--smtp-port", type=int, help="SMTP server port")
    realm.add_argument("--dry-run", action="store_true", help="only print what would change")
    realm.add_argument("--json", action="store_true", help="machine-readable output")

    employer = sub(commands, "employer", "create, rename, delete or list employers (Keycloak organizations and "
                   "their portal records)", None)
    employer_commands = employer.add_subparsers(dest="employer_command", required=True, metavar="ACTION")
    create = sub(employer_commands, "create", "create an employer with its e-mail domain (idempotent)", cmd_employer_create)
    create.add_argument("name", help="employer name, e.g. EK88")
    create.add_argument("--domain", required=True, help="the employer's e-mail domain, e.g. ek88.nl")
    create.add_argument("--json", action="store_true", help="machine-readable output")
    deleting = sub(employer_commands, "delete", "remove an employer and every role held there from Keycloak; its "
                   "portal dossiers are archived and kept (never deleted)", cmd_employer_delete)
    deleting.add_argument("name", help="employer name or alias")
    deleting.add_argument("--yes", action="store_true", help="confirm (without it, on a terminal you are asked; "
                                                            "elsewhere nothing happens, exit 2)")
    renaming = sub(employer_commands, "rename", "rename an employer; its id, roles and dossiers stay bound",
                   cmd_employer_rename)
    renaming.add_argument("name", help="current employer name or alias")
    renaming.add_argument("new_name", help="the new name")
    listing = sub(employer_commands, "list", "list employers", cmd_employer_list)
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    invite = sub(commands, "invite", "invite one person: a manager or superuser of an employer, or a physician or "
                 "staff member serving employers (link valid 3 days)", cmd_invite)
    invite.add_argument("--email", required=True)
    invite.add_argument("--first-name", required=True)
    invite.add_argument("--last-name", required=True)
    invite.add_argument("--employer", required=True, action="append",
                        help="employer name or alias; for physician and staff repeat it for every employer they serve")
    invite.add_argument("--role", default="manager", choices=sorted(kc.invited_roles.INVITE_ROLES) + list(kc_professionals.PROFESSIONAL_ROLES),
                        help="manager or superuser of the one employer (an organization invitation), or physician "
                             "(company doctor) or staff (casemanager) of the arbodienst, serving the employers "
                             "given (default: manager)")
    invite.add_argument("--existing-account", action="store_true",
                        help="the address already has an account (e.g. at another employer): invite it into this "
                             "employer anyway. Without this flag such an invitation is refused (exit 6).")
    invite.add_argument("--portal-url", help="portal the invitee lands on after registering, where the role is "
                                             "granted (default: PORTAL_URL)")

    invitations = sub(commands, "invitations", "list, resend or revoke invitations", None)
    invitation_commands = invitations.add_subparsers(dest="invitations_command", required=True, metavar="ACTION")
    inv_list = sub(invitation_commands, "list", "invitations with status pending, expired or accepted", cmd_invitations_list)
    inv_list.add_argument("--employer", help="only this employer (default: all)")
    inv_list.add_argument("--status", choices=["pending", "expired", "accepted"])
    inv_list.add_argument("--json", action="store_true", help="machine-readable output")
    for name, help_text, handler in (("resend", "send a new e-mail with a new 3-day link", cmd_invitations_resend),
                                     ("revoke", "withdraw an invitation: its link stops working", cmd_invitations_revoke)):
        command = sub(invitation_commands, name, help_text, handler)
        command.add_argument("--employer", required=True, help="employer name or alias")
        which = command.add_mutually_exclusive_group(required=True)
        which.add_argument("--email", help="the invited e-mail address")
        which.add_argument("--id", help="the invitation id (from 'invitations list')")
    apply_roles = sub(invitation_commands, "apply-roles",
                      "grant the invited role to everyone who accepted (also done by 'list')", cmd_invitations_apply_roles)
    apply_roles.add_argument("--employer", help="only this employer (default: all)")
    apply_roles.add_argument("--json", action="store_true", help="machine-readable output")

    roles = sub(commands, "roles", "per-employer roles (manager, superuser): grant, revoke, migrate", None)
    role_commands = roles.add_subparsers(dest="roles_command", required=True, metavar="ACTION")
    for name, help_text, handler in (("grant", "make a member manager or superuser of this one employer", cmd_roles_grant),
                                     ("revoke", "take every role at this employer away from a member", cmd_roles_revoke)):
        command = sub(role_commands, name, help_text, handler)
        command.add_argument("--employer", required=True, help="employer name or alias")
        command.add_argument("--email", required=True, help="the member's e-mail address")
        if name == "grant":
            command.add_argument("--role", required=True, choices=sorted(kc.invited_roles.INVITE_ROLES))
    sub(role_commands, "prune", "remove roles of deleted employers and of people who left an employer "
        "(after changes in Keycloak's admin console)", cmd_roles_prune)
    migrate = sub(role_commands, "migrate-realm-roles", "turn old realm roles manager/superuser into per-employer "
                  "roles where the employer is unambiguous; list the rest (exit 1)", cmd_roles_migrate)
    migrate.add_argument("--dry-run", action="store_true", help="only print what would change")

    importing = sub(commands, "import", "import an HR export (CSV) of employees and managers", cmd_import)
    importing.add_argument("file", help="CSV (UTF-8, ',' or ';') with columns: " + ",".join(rows.COLUMNS)
                           + "; optional: " + ",".join(rows.OPTIONAL_COLUMNS) + " (the portal dossier; end_date "
                           "yyyy-mm-dd marks a leaver)")
    importing.add_argument("--dry-run", action="store_true", help="check every row, change nothing")
    importing.add_argument("--json", action="store_true", help="machine-readable report")
    importing.add_argument("--existing-account", action="store_true",
                           help="also add addresses that already have an account (e.g. at another employer); "
                                "without this flag such rows fail with the reason")
    importing.add_argument("--workers", type=int, default=8,
                           help=f"rows handled at once (default 8, max {MAX_WORKERS})")
    importing.add_argument("--mark-missing-as-left", action="store_true",
                           help="mark the employees of the file's employers whom the file no longer lists as left "
                                "(their dossiers are kept, never deleted); refused when any row is rejected or fails")
    importing.epilog = ("roles: employee (account with birth_date yyyy-mm-dd and mobile +316..., welcome e-mail to set a "
                        "password), manager or superuser (organization invitation).\n\n" + EXIT_CODES_HELP)
    cases = sub(commands, "cases-import", "import ziekmeldingen and hersteldmeldingen (CSV) into the portal",
                cmd_cases_import)
    cases.add_argument("file", help="CSV (UTF-8, ',' or ';') with columns: employee (e-mail or personnel number), "
                                    "employer (organization id or alias), type (ziekmelding|hersteldmelding), "
                                    "date (yyyy-mm-dd), optional expected_weeks, work_possible")
    cases.add_argument("--dry-run", action="store_true", help="check and simulate every row, change nothing")
    cases.add_argument("--json", action="store_true", help="machine-readable report")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except Exception as exc:  # noqa: BLE001 - the one error boundary: a sentence and a code, never a traceback
        if args.debug:
            errors.print_exception()
        try:
            url = load_settings().keycloak_url
        except Exception:  # noqa: BLE001 - the settings themselves may be what failed
            url = ""
        code, sentence = exit_codes.explain(exc, url, args.timeout)
        errors.print(f"fout: {escape(sentence)}")
        return code


if __name__ == "__main__":
    sys.exit(main())
