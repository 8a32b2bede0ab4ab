"""One HR-import row brought to completion step by step, so that a re-run finishes what an
interrupted run began (Keycloak unreachable half-way, Ctrl-C, a crash).

Every step first looks at Keycloak and does only what is missing; no step is undone when a later
one fails for lack of Keycloak (the undo would fail the same way), the re-run completes it instead.

Employee row:
  1. the account: found by e-mail, or created with the row's birthDate and mobile, without password;
  2. the realm role employee;
  3. membership of the employer;
  4. the welcome e-mail (Keycloak's execute-actions e-mail, UPDATE_PASSWORD), unless the account has
     a password or the mail was sent already.
  "Welcome mail sent" is kept in Keycloak itself, without an extra user-profile attribute: once the
  execute-actions call succeeded, UPDATE_PASSWORD is put on the account's required actions (Keycloak
  removes it when the password is set). So an account with neither a password nor UPDATE_PASSWORD
  has not had its mail. That mark is written right after the mail, retried for a few seconds; only
  if Keycloak stays away for longer than that between the two calls does a re-run send a second mail.

  An account found by e-mail that belongs to no employer, has no credentials and no welcome mark,
  and carries exactly this row's birth date and mobile number was made by an interrupted import of
  this row: it is finished, not treated as someone else's existing account.

Manager/superuser row: the organization invitation (app.keycloak.invitations.invite). A pending invitation
without its role record (the run stopped between sending and recording) gets the row's role recorded.

An account that exists (at another employer, or none) is added to this employer only with
--existing-account; either way the report names the employer(s) it is already in and any
difference between the row's and the account's first and last name.
"""

from __future__ import annotations

import time

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakConnectionError, KeycloakError

from app import keycloak as kc
from app.keycloak.ids import checked_id

WELCOME_MARK = "UPDATE_PASSWORD"
MARK_RETRIES = (0.5, 1, 2, 4)  # seconds between attempts to record a sent mail (about 7.5 s in all)


def _call(call, *args, **kwargs):
    """python-keycloak call with transport and auth failures as our own errors (exit 3 / 4)."""
    return kc.errors.guarded(call, *args, **kwargs)


def name_differences(account: dict, first_name: str, last_name: str) -> list[str]:
    """How the row's names differ from the account's (case and surrounding spaces ignored)."""
    differences = []
    for label, ours, theirs in (("voornaam", first_name, account.get("firstName") or ""),
                                ("achternaam", last_name, account.get("lastName") or "")):
        if ours.strip().casefold() != theirs.strip().casefold():
            differences.append(f"{label} in het bestand {ours!r}, in Keycloak {theirs!r}")
    return differences


def existing_account_report(account: dict, organization_ids: set[str], employer_names: dict[str, str],
                            first_name: str, last_name: str) -> str:
    """One sentence on an account that exists already: where it is a member, and how its names differ."""
    where = sorted(employer_names.get(o, o) for o in organization_ids)
    text = f"{account.get('email')} heeft al een account" + (f" (lid van {', '.join(where)})" if where
                                                               else " (bij geen werkgever)")
    differences = name_differences(account, first_name, last_name)
    if differences:
        text += "; naam verschilt: " + "; ".join(differences) + " (Keycloak niet aangepast)"
    return text


def _unfinished_import(account: dict, organization_ids: set[str], credentials: list, birth_date: str,
                       mobile: str) -> bool:
    attributes = account.get("attributes") or {}
    return (not organization_ids and not credentials and WELCOME_MARK not in (account.get("requiredActions") or [])
            and attributes.get("birthDate") == [birth_date] and attributes.get("mobile") == [mobile])


def import_employee(admin: KeycloakAdmin, employer_id: str, row, *, client_id: str | None, redirect_uri: str | None,
                    existing_account: bool, employer_names: dict[str, str], dry_run: bool = False) -> str:
    """Bring one employee row to completion; returns the outcome for the report. A dry run changes
    nothing and says what the run would do (refusals included)."""
    employer_id = checked_id(employer_id, "organization id")
    account = _call(kc.users.find_user_by_email, admin, row.email)
    created, finished, note = False, [], ""
    if account is None and dry_run:
        return "would create"
    if account is None:
        user_id = checked_id(_call(admin.create_user, payload={
            "username": row.email, "email": row.email, "emailVerified": True, "enabled": True,
            "firstName": row.first_name, "lastName": row.last_name,
            "attributes": {"birthDate": [row.birth_date], "mobile": [row.mobile]}, "requiredActions": [],
        }, exist_ok=False), "user id")
        account, organization_ids, credentials, created = {"id": user_id, "requiredActions": []}, set(), [], True
    else:
        user_id = checked_id(account["id"], "user id")
        organization_ids = kc.organizations.user_organization_ids(admin, user_id)
        credentials = _call(admin.get_credentials, user_id)
        if employer_id not in organization_ids and not _unfinished_import(
                account, organization_ids, credentials, row.birth_date, row.mobile):
            note = existing_account_report(account, organization_ids, employer_names, row.first_name, row.last_name)
            if not existing_account:
                raise kc.errors.ExistingAccount(f"{note}; toevoegen aan deze werkgever alleen met --existing-account")
    # an account made just now has no roles: no need to ask (one call less per new row)
    roles = set() if created else {r["name"] for r in _call(admin.get_realm_roles_of_user, user_id)}
    if "employee" not in roles and dry_run:
        finished.append("rol")
    elif "employee" not in roles:
        _call(admin.assign_realm_roles, user_id=user_id, roles=[_employee_role(admin)])
        finished.append("rol")
    if employer_id not in organization_ids and dry_run:
        finished.append("lidmaatschap")
    elif employer_id not in organization_ids:
        # a member added by any other way than its invitation must not pick up an invited role
        _discard_invited_roles(admin, employer_id, row.email)
        _call(admin.organization_user_add, user_id=user_id, organization_id=employer_id)
        finished.append("lidmaatschap")
    has_password = any(c.get("type") == "password" for c in credentials)
    # no password and no sent welcome mail: the account cannot be used yet, whichever run made it
    if not has_password and WELCOME_MARK not in (account.get("requiredActions") or []):
        if not dry_run:
            # an account made just now has no required actions; another is read again after the mail
            _send_welcome(admin, user_id, row.email, client_id, redirect_uri, created, actions=[] if created else None)
        finished.append("welkomstmail")
    if created:
        return "created"
    would = "would " if dry_run else ""
    if note:
        return f"{would}add ({note})" if finished and dry_run else (f"added ({note})" if finished else f"unchanged ({note})")
    differences = "; ".join(name_differences(account, row.first_name, row.last_name))
    differences = f"; naam verschilt: {differences} (Keycloak niet aangepast)" if differences else ""
    if finished:
        return f"{would}complete (af te maken: {', '.join(finished)}{differences})" if dry_run else \
            f"completed (afgemaakt: {', '.join(finished)}{differences})"
    return f"unchanged (account bestond al{differences})"


def _employee_role(admin: KeycloakAdmin) -> dict:
    """The realm role employee, read once per admin client (not once per row)."""
    role = getattr(admin, "_arbo_employee_role", None)
    if role is None:
        role = admin._arbo_employee_role = _call(admin.get_realm_role, "employee")
    return role


def _discard_invited_roles(admin: KeycloakAdmin, employer_id: str, email: str) -> None:
    """discard_role_records, but only when this e-mail has a pending record: the look is one read
    without the process-wide lock, so parallel rows do not queue behind each other's reads."""
    records = kc.invited_roles.invited_roles(kc.organizations.organization_by_id(admin, employer_id))
    if any(r["email"] == email.lower() and r["accepted"] is None for r in records.values()):
        kc.invited_roles.discard_role_records(admin, employer_id, email)


def _send_welcome(admin: KeycloakAdmin, user_id: str, email: str, client_id, redirect_uri, created: bool,
                  actions: list[str] | None = None) -> None:
    try:
        with kc.errors.boundary(f"welkomstmail aan {email}", mail=True):  # a 5xx here is the mail server
            admin.send_update_account(user_id=user_id, payload=[WELCOME_MARK], lifespan=kc.users.WELCOME_LINK_LIFESPAN,
                                      client_id=client_id, redirect_uri=redirect_uri)
    except kc.errors.MailNotSent as exc:
        if created:  # SMTP refused: keep nothing of this row, as before (a re-run creates it again)
            try:
                admin.delete_user(user_id=user_id)
            except (KeycloakError, KeycloakConnectionError):
                pass
        raise kc.errors.MailNotSent(f"the welcome e-mail to {email} could not be sent (is SMTP up?); "
                                    + ("the account was not kept, a re-run creates it again" if created
                                else "a re-run sends it")) from exc
    _mark_welcome_sent(admin, user_id, actions)


def _mark_welcome_sent(admin: KeycloakAdmin, user_id: str, known_actions: list[str] | None = None) -> None:
    """Record the sent mail (see the module text); retried, since forgetting it means a second mail.
    known_actions: the account's required actions as just read (or made), which spares the first read."""
    for pause in (*MARK_RETRIES, None):
        try:
            if known_actions is None:
                known_actions = list(_call(admin.get_user, user_id).get("requiredActions") or [])
            actions, known_actions = known_actions, None  # a retry reads the account again
            if WELCOME_MARK not in actions:
                _call(admin.update_user, user_id, {"requiredActions": [*actions, WELCOME_MARK]})
            return
        except kc.errors.KeycloakUnreachable:
            if pause is None:
                raise
            time.sleep(pause)


def import_invitation(admin: KeycloakAdmin, employer_id: str, row, *, redirect_url: str, existing_account: bool,
                      employer_names: dict[str, str], dry_run: bool = False) -> str:
    """Bring one manager/superuser row to completion: a member, or a pending invitation with its role."""
    if kc.organizations.find_member_by_email(admin, employer_id, row.email):
        return "unchanged (al lid)"
    pending = kc.invitations.list_invitations(admin, employer_id, email=row.email)
    if pending:
        records = kc.invited_roles.invited_roles(kc.organizations.organization_by_id(admin, employer_id))
        missing = [i for i in pending if i["id"] not in records and i.get("status", "PENDING") == "PENDING"]
        if missing and dry_run:
            return "would complete (af te maken: rol bij uitnodiging)"
        if missing:  # sent, but the run stopped before the role was bound to it
            account = _call(kc.users.find_user_by_email, admin, row.email)
            kc.invited_roles.record_invited_role(admin, employer_id, missing[0], row.role, account["id"] if account else "")
            return "completed (afgemaakt: rol bij uitnodiging)"
        return "unchanged (al uitgenodigd)"
    account = _call(kc.users.find_user_by_email, admin, row.email)
    note = ""
    if account:
        note = existing_account_report(account, kc.organizations.user_organization_ids(admin, account["id"]), employer_names,
                                       row.first_name, row.last_name)
        if not existing_account:
            raise kc.errors.ExistingAccount(f"{note}; uitnodigen voor deze werkgever alleen met --existing-account")
    if dry_run:
        return f"would invite ({note})" if note else "would invite"
    kc.invitations.invite(admin, employer_id, email=row.email, first_name=row.first_name, last_name=row.last_name,
              role=row.role, check_member=False, redirect_url=redirect_url, existing_account=existing_account)
    return f"invited ({note})" if note else "invited"
