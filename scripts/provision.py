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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from keycloak.exceptions import KeycloakAuthenticationError, KeycloakConnectionError, KeycloakError

from app import keycloak as kc
from app import validation
from app.config import load_settings
from scripts import provisioning_rows as rows

EXIT_OK = 0            # everything done (or nothing needed doing)
EXIT_PARTIAL = 1       # some rows/items failed; the rest is done; a re-run finishes the job
EXIT_BAD_INPUT = 2     # usage error or bad input: invalid e-mail, unknown employer/role, malformed CSV
EXIT_UNREACHABLE = 3   # Keycloak did not answer
EXIT_REFUSED = 4       # Keycloak refused the credentials or the operation
EXIT_MAIL = 5          # the e-mail could not be sent (SMTP down); nothing was kept
EXIT_CONFLICT = 6      # already exists: already invited, already a member

EXIT_CODES_HELP = """exit codes:
  0  ok (also: nothing to change)
  1  some rows or items failed (the rest is done; re-run to finish, nothing is duplicated)
  2  usage error or bad input (invalid e-mail, unknown employer or role, malformed CSV, an id that is
     not a Keycloak id - nothing is sent to Keycloak then)
  3  Keycloak unreachable
  4  Keycloak refused the credentials or the operation
  5  e-mail could not be sent (SMTP down); nothing was kept
  6  already exists (pending invitation, already a member, or an existing account without --existing-account)"""

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


class Usage(Exception):
    """Bad input found before any change: exit 2."""


# --------------------------------------------------------------------------------------------
# helpers

def _admin(args):
    settings = load_settings()
    realm = validation.realm_name(settings.realm if args.realm is None else args.realm)
    if getattr(args, "master_admin", False):
        return kc.client.master_admin(settings, realm=realm)
    return kc.client.realm_admin(settings, realm=realm)


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
    admin = kc.client.master_admin(settings, realm="master")
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
    if not rows.re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", args.domain.lower()):
        raise Usage(f"ongeldig domein {args.domain!r} (bijvoorbeeld ek88.nl)")
    if rows.check_name(args.name, "naam"):
        raise Usage(rows.check_name(args.name, "naam"))
    admin = _admin(args)
    existing = kc.organizations.find_organization(admin, args.name)
    organization_id = kc.organizations.ensure_organization(admin, args.name, args.domain.lower())
    if args.json:
        _print_json({"id": organization_id, "name": args.name, "created": existing is None})
    else:
        console.print(f"Werkgever {escape(args.name)}: {'bestond al' if existing else 'aangemaakt'} ({organization_id}).")
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
    admin = _admin(args)
    employer = _employer(admin, args.employer)
    kc.invitations.invite(admin, employer["id"], email=email, first_name=args.first_name.strip(),
                          last_name=args.last_name.strip(), role=args.role, existing_account=args.existing_account,
                          redirect_url=kc.invitations.welcome_url(args.portal_url or load_settings().portal_url))
    if args.existing_account:
        console.print(f"Let op: bestaand account {escape(email)} uitgenodigd voor {escape(employer['name'])} "
                      "(--existing-account).")
    console.print(f"Uitnodiging verstuurd aan {escape(email)} voor {escape(employer['name'])} als {args.role} "
                  "(link 3 dagen geldig).")
    return EXIT_OK


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
    admin = _admin(args)
    employer = _employer(admin, args.name)
    kc.organizations.delete_employer(admin, employer["id"])
    console.print(f"Werkgever {escape(employer['name'])} ({employer['id']}) en zijn rollen verwijderd.")
    return EXIT_OK


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
                existing_account: bool = False) -> str:
    """Bring one person in line; returns what happened ("created", "invited", "unchanged ...").

    An address with an account that is not yet a member of this employer is refused (the row fails
    with the reason) unless existing_account: joining a second employer is an explicit act."""
    if row.role == "employee":
        user = kc.users.find_user_by_email(admin, row.email)
        if user:
            member = employer_id in kc.organizations.user_organization_ids(admin, user["id"])
            kc.users.ensure_user(admin, email=row.email, first_name=row.first_name, last_name=row.last_name,
                                 roles=["employee"], organization_id=employer_id, existing_account=existing_account)
            return "unchanged (account bestond al)" if member else "added (bestaand account toegevoegd)"
        kc.users.create_employee(admin, employer_id, email=row.email, first_name=row.first_name, last_name=row.last_name,
                                 birth_date=row.birth_date, mobile=row.mobile, client_id=client_id, redirect_uri=redirect_uri)
        return "created"
    if kc.organizations.find_member_by_email(admin, employer_id, row.email):
        return "unchanged (al lid)"
    if kc.invitations.list_invitations(admin, employer_id, email=row.email):
        return "unchanged (al uitgenodigd)"
    kc.invitations.invite(admin, employer_id, email=row.email, first_name=row.first_name, last_name=row.last_name,
                          role=row.role, check_member=False, redirect_url=kc.invitations.welcome_url(load_settings().portal_url),
                          existing_account=existing_account)
    return "invited"


def _planned(admin, employer_id: str, row: rows.Row) -> str:
    if row.role == "employee":
        return "unchanged (account bestond al)" if kc.users.find_user_by_email(admin, row.email) else "would create"
    if kc.organizations.find_member_by_email(admin, employer_id, row.email):
        return "unchanged (al lid)"
    if kc.invitations.list_invitations(admin, employer_id, email=row.email):
        return "unchanged (al uitgenodigd)"
    return "would invite"


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
            if args.dry_run:
                return _planned(admin, employer_id, row)
            return _import_row(admin, employer_id, row, client_id, redirect_uri, args.existing_account)

        with ThreadPoolExecutor(max_workers=max(1, min(args.workers, 16))) as pool:
            futures = {pool.submit(one, row): row for row in work}
            for future in as_completed(futures):
                row = futures[future]
                try:
                    outcomes[row.line] = future.result()
                except kc.errors.KeycloakUnreachable as exc:
                    unreachable = True
                    failed.append(rows.Rejected(row.line, row.email, f"Keycloak onbereikbaar: {exc}"))
                except kc.errors.KeycloakAdminError as exc:
                    failed.append(rows.Rejected(row.line, row.email, str(exc)))
                except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
                    failed.append(rows.Rejected(row.line, row.email, f"{type(exc).__name__}: {exc}"))
                progress.advance(task)
    counts: dict[str, int] = {}
    for outcome in outcomes.values():
        key = outcome.split(" ")[0] if outcome.startswith("unchanged") else outcome
        counts[key] = counts.get(key, 0) + 1
    summary = {"rows": len(parsed.rows) + len(parsed.rejected), "empty_lines": parsed.empty_lines,
               "rejected": len(parsed.rejected), "failed": len(failed), **counts, "dry_run": args.dry_run}
    report = {"summary": summary,
              "rejected": [asdict(r) for r in sorted(parsed.rejected, key=lambda r: r.line)],
              "failed": [asdict(r) for r in sorted(failed, key=lambda r: r.line)],
              "done": [{"line": line, "outcome": outcome} for line, outcome in sorted(outcomes.items())]}
    if args.json:
        _print_json(report)
    else:
        _print_problems("Afgewezen regels (niets mee gedaan)", parsed.rejected)
        _print_problems("Mislukte regels (niets half aangemaakt; opnieuw draaien maakt het af)", failed)
        console.print("Samenvatting: " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    if unreachable:
        errors.print("Keycloak was onbereikbaar; draai de import opnieuw zodra Keycloak weer werkt.")
        return EXIT_UNREACHABLE
    return EXIT_PARTIAL if parsed.rejected or failed else EXIT_OK


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

    employer = sub(commands, "employer", "create or list employers (Keycloak organizations)", None)
    employer_commands = employer.add_subparsers(dest="employer_command", required=True, metavar="ACTION")
    create = sub(employer_commands, "create", "create an employer with its e-mail domain (idempotent)", cmd_employer_create)
    create.add_argument("name", help="employer name, e.g. EK88")
    create.add_argument("--domain", required=True, help="the employer's e-mail domain, e.g. ek88.nl")
    create.add_argument("--json", action="store_true", help="machine-readable output")
    deleting = sub(employer_commands, "delete", "delete an employer and every role held there", cmd_employer_delete)
    deleting.add_argument("name", help="employer name or alias")
    listing = sub(employer_commands, "list", "list employers", cmd_employer_list)
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    invite = sub(commands, "invite", "invite one person to an employer (link valid 3 days)", cmd_invite)
    invite.add_argument("--email", required=True)
    invite.add_argument("--first-name", required=True)
    invite.add_argument("--last-name", required=True)
    invite.add_argument("--employer", required=True, help="employer name or alias")
    invite.add_argument("--role", default="manager", choices=sorted(kc.invited_roles.INVITE_ROLES),
                        help="role granted once the invitation is accepted (default: manager)")
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
    importing.add_argument("file", help="CSV (UTF-8, ',' or ';') with columns: " + ",".join(rows.COLUMNS))
    importing.add_argument("--dry-run", action="store_true", help="check every row, change nothing")
    importing.add_argument("--json", action="store_true", help="machine-readable report")
    importing.add_argument("--existing-account", action="store_true",
                           help="also add addresses that already have an account (e.g. at another employer); "
                                "without this flag such rows fail with the reason")
    importing.add_argument("--workers", type=int, default=4, help="parallel requests to Keycloak (default 4, max 16)")
    importing.epilog = ("roles: employee (account with birth_date yyyy-mm-dd and mobile +316..., welcome e-mail to set a "
                        "password), manager or superuser (organization invitation).\n\n" + EXIT_CODES_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (Usage, rows.BadInput, validation.InvalidInput) as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_BAD_INPUT
    except kc.errors.KeycloakUnreachable as exc:  # each of our errors says what to do (app/keycloak/errors.py)
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_UNREACHABLE
    except kc.errors.KeycloakRefused as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_REFUSED
    except kc.errors.MailNotSent as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_MAIL
    except kc.errors.InvalidId as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_BAD_INPUT
    except kc.errors.Conflict as exc:  # pending invitation, already a member, existing account
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_CONFLICT
    except kc.errors.NotFound as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_BAD_INPUT
    except kc.errors.KeycloakAdminError as exc:
        errors.print(f"fout: {escape(str(exc))}")
        return EXIT_PARTIAL
    except KeycloakConnectionError:
        errors.print("fout: Keycloak is niet bereikbaar. Start Keycloak of controleer KEYCLOAK_HOST/KEYCLOAK_PORT.")
        return EXIT_UNREACHABLE
    except KeycloakAuthenticationError as exc:
        errors.print(f"fout: Keycloak weigert de inloggegevens ({escape(str(exc))}).")
        return EXIT_REFUSED
    except KeycloakError as exc:
        if _is_bad_credentials(exc):
            errors.print("fout: Keycloak weigert de inloggegevens; controleer KEYCLOAK_ADMIN_USER/KEYCLOAK_ADMIN_PASSWORD "
                         "(met --master-admin) of het secret van de provisioning-client.")
            return EXIT_REFUSED
        errors.print(f"fout: Keycloak: {escape(str(exc))}")
        return EXIT_REFUSED if getattr(exc, "response_code", None) in (401, 403) else EXIT_PARTIAL


def _is_bad_credentials(exc) -> bool:
    """Keycloak answers a wrong password or client secret with 400/401 and OAuth error invalid_grant/invalid_client."""
    body = getattr(exc, "response_body", b"") or b""
    body = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    return getattr(exc, "response_code", None) in (400, 401) and ('"invalid_grant"' in body or '"invalid_client"' in body)


if __name__ == "__main__":
    sys.exit(main())
