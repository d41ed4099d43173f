"""Loading reference data and accounts: the demo hall on first start, and admin imports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server import reference, security
from server.halls import DEFAULT_HALL
from server.models import Account, ReferenceEntry
from workstation.domain.roles import PERSON_ROLES, Role
from workstation.protocol.reference import ReferenceKind

DEMO_HALL = Path(__file__).resolve().parents[1] / "resources" / "demo_hall"


class ImportError_(ValueError):
    """An import that was refused whole; the message lists every problem found."""


def _read_json(path: Path) -> Any:
    try:
        # utf-8-sig: a byte order mark (Notepad on Windows writes one) is read past, not refused.
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ImportError_(f"{path}: file not found") from None
    except OSError as exc:  # a folder, no permission
        raise ImportError_(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportError_(f"{path}: not valid UTF-8 JSON ({exc})") from None
    except RecursionError:
        raise ImportError_(f"{path}: nested too deeply to be reference data") from None


def import_reference(session: Session, kind: ReferenceKind, values: Any, source: str) -> int:
    """Validate every value first and apply them only when all are valid: a broken file
    changes nothing. Returns how many entries changed."""
    if not isinstance(values, list):
        raise ImportError_(f"{source}: expected a JSON list of {kind.value} values")
    problems: list[str] = []
    keys: dict[str, int] = {}
    valid = []
    for index, value in enumerate(values):
        if not isinstance(value, dict):
            problems.append(f"{source}[{index}]: expected an object")
            continue
        try:
            checked = reference.validate(kind, value)
        except reference.InvalidReference as exc:
            problems.append(f"{source}[{index}]: {exc}")
            continue
        key = reference.key_of(kind, checked)
        if key in keys:
            problems.append(f"{source}[{index}]: {kind.value} {key} repeats entry [{keys[key]}]")
        keys[key] = index
        valid.append(checked)
    problems += [f"{source}: {problem}" for problem in reference.cross_problems(session, kind, valid)]
    if problems:
        raise ImportError_("\n".join(problems))
    before = reference.head(session)
    for value in values:
        reference.put(session, kind, value)
    return session.execute(
        select(func.count()).select_from(ReferenceEntry).where(ReferenceEntry.revision > before)
    ).scalar_one()


def import_accounts(session: Session, accounts: Any, source: str, policy: bool = True) -> int:
    """Add the accounts not there yet (username, display_name, role, password); returns how
    many were added. Refused whole if any entry is invalid or, with `policy` (all but the
    demo hall's well-known passwords), any password is too weak; passwords are never
    repeated in the refusal."""
    if not isinstance(accounts, list):
        raise ImportError_(f"{source}: expected a JSON list of accounts")
    problems = []
    for index, account in enumerate(accounts):
        if not isinstance(account, dict) or not {"username", "display_name", "role", "password"} <= set(account):
            problems.append(f"{source}[{index}]: needs username, display_name, role and password")
        elif not all(isinstance(account[k], str) and account[k] for k in ("username", "display_name", "password")):
            problems.append(f"{source}[{index}]: username, display_name and password must be text")
        elif account["role"] not in {r.value for r in PERSON_ROLES}:
            problems.append(f"{source}[{index}]: role {account['role']!r} is not a person's role")
        elif len(account["username"]) > 64 or len(account["display_name"]) > 100:
            problems.append(f"{source}[{index}]: username (64) or display_name (100) too long")
        elif policy and (weak := security.password_problem(account["password"], account["username"])):
            problems.append(f"{source}[{index}] ({account['username']}): {weak}")
    if problems:
        raise ImportError_("\n".join(problems))
    added = 0
    for account in accounts:
        existing = session.execute(
            select(Account).where(Account.username == account["username"])
        ).scalar_one_or_none()
        if existing is None:
            session.add(Account(username=account["username"], display_name=account["display_name"],
                                role=Role(account["role"]).value,
                                password_hash=security.hash_password(account["password"]), active=True))
            session.flush()
            added += 1
    return added


def is_empty(session: Session) -> bool:
    accounts = session.execute(select(func.count()).select_from(Account)).scalar_one()
    return accounts == 0 and reference.head(session) == 0


SINGLE_ENTRY = (ReferenceKind.HALL, ReferenceKind.SUPERVISION)  # one value, not a list
DEMO_FILES = (
    (ReferenceKind.HALL, "hall.json"),
    (ReferenceKind.BUSINESS_TYPE, "business_types.json"),
    (ReferenceKind.WINDOW, "windows.json"),
    (ReferenceKind.SERVICE_ITEM, "catalogue.json"),
    (ReferenceKind.SUPERVISION, "supervision.json"),
    (ReferenceKind.BUNDLE, "bundles.json"),  # after the catalogue it draws on
)


def seed_demo_hall(session: Session, folder: Path = DEMO_HALL) -> None:
    for kind, name in DEMO_FILES:
        values = _read_json(folder / name)
        import_reference(session, kind, [values] if kind in SINGLE_ENTRY else values, name)
    import_accounts(session, _read_json(folder / "accounts.json"), "accounts.json", policy=False)


def import_accounts_file(session: Session, path: Path) -> int:
    """`import-accounts FILE`: the accounts of a JSON list, the password policy applied."""
    return import_accounts(session, _read_json(path), str(path))


def import_file(session: Session, kind: ReferenceKind, path: Path, hall: str | None = None) -> int:
    """`import KIND FILE [--hall CODE]`: with a hall, the windows of the file are that hall's
    (any `hall` they name must be the same); other kinds are the server's, for every hall."""
    values = _read_json(path)
    if hall is not None:
        if kind is not ReferenceKind.WINDOW:
            raise ImportError_(f"{path}: --hall names the hall of windows; {kind.value} entries are the "
                               "same in every hall of the server")
        if isinstance(values, list):
            clash = [f"{path}[{i}]: window {v.get('number')} names hall {v['hall']!r}, not {hall!r}"
                     for i, v in enumerate(values) if isinstance(v, dict) and v.get("hall") not in (None, hall)]
            if clash:
                raise ImportError_("\n".join(clash))
            values = [{**v, "hall": hall} if isinstance(v, dict) else v for v in values]
            taken = {w.get("number"): w.get("hall") or DEFAULT_HALL
                     for w in reference.current(session, ReferenceKind.WINDOW)}
            clash = [f"{path}[{i}]: window {v.get('number')} is hall {taken[v.get('number')]!r}'s: window "
                     "numbers are unique on the server, give the branch hall a range of its own"
                     for i, v in enumerate(values)
                     if isinstance(v, dict) and taken.get(v.get("number"), hall) != hall]
            if clash:
                raise ImportError_("\n".join(clash))
    return import_reference(session, kind, [values] if kind in SINGLE_ENTRY else values, str(path))
