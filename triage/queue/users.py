"""Portal users: accounts, password hashes (made by the portal) and sign-in limits.

Hashing and verifying passwords is the portal's job; this module stores the hash and
refuses anything that does not look like one ("$argon2id$...", "$2b$..."), so a plain
password can never be stored by mistake. Usernames are case-insensitive (kept lower-case).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from triage.errors import Conflict, InputError, NotFound, PermissionDenied
from triage.queue._store import Store, row_to
from triage.queue.models import Actor, User
from triage.queue.status import Role
from triage.queue.tables import login_attempts, users

__all__ = ["FREE_FAILURES", "IP_FAILURES", "IP_WINDOW", "MAX_NAME_DELAY", "UsersMixin"]

# Sign-in limits (`login_wait`): no lock, growing delays.
FREE_FAILURES = 5
MAX_NAME_DELAY = 300.0
IP_FAILURES = 20
IP_WINDOW = dt.timedelta(minutes=15)
# Keys the name hash, so the table cannot be matched against a list of likely names
# elsewhere; the same in every process (it only needs to be stable, not secret).
_NAME_KEY = b"inbox-triage login names"
_USERNAME = re.compile(r"[a-z0-9][a-z0-9_.@-]{2,63}")


def _username(value: object) -> str:
    name = value.strip().lower() if isinstance(value, str) else ""
    if not _USERNAME.fullmatch(name):
        raise InputError("username must be 3-64 characters: letters, digits, _ . @ -")
    return name


def _password_hash(value: object) -> str:
    if not isinstance(value, str) or not value.startswith("$") or not 20 <= len(value) <= 255:
        raise InputError("password_hash must be a hash string from the portal's hasher")
    return value


def _name_hash(value: object) -> str:
    name = value.strip().lower() if isinstance(value, str) else ""
    return hmac.new(_NAME_KEY, name.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def _ip(value: object) -> str:
    return value[:64] if isinstance(value, str) and value else "unknown"


def _role(value: object) -> str:
    try:
        return Role(value).value
    except ValueError:
        raise InputError(f"role must be one of {', '.join(r.value for r in Role)}") from None


class UsersMixin(Store):
    def create_user(self, username: str, password_hash: str, role: str,
                    actor: Optional[Actor] = None) -> User:
        """Create an account. `actor` None is the operator's CLI; in the portal, admins only."""
        name, pw_hash, role = _username(username), _password_hash(password_hash), _role(role)
        self._require_admin(actor)
        now = self._now()
        try:
            with self._begin() as session:
                user_id = session.execute(
                    sa.insert(users).values(username=name, password_hash=pw_hash, role=role,
                                            failed_logins=0, created_at=now)
                ).inserted_primary_key[0]
                self._audit(session, actor, "user_created", target_user_id=user_id, now=now,
                            detail=f"role={role}")
                return self._user(session, users.c.id == user_id)
        except IntegrityError:
            raise Conflict("that username is taken") from None

    def get_user(self, username: str) -> Optional[User]:
        """The account for a login name, or None (also for a malformed name)."""
        try:
            name = _username(username)
        except InputError:
            return None
        with self._begin() as session:
            return self._find_user(session, users.c.username == name)

    def get_user_by_id(self, user_id: int) -> Optional[User]:
        with self._begin() as session:
            return self._find_user(session, users.c.id == user_id)

    def list_users(self) -> List[User]:
        with self._begin() as session:
            rows = session.execute(sa.select(users).order_by(users.c.username)).all()
            return [row_to(User, r) for r in rows]

    def set_password_hash(self, username: str, password_hash: str,
                          actor: Optional[Actor] = None) -> User:
        """Replace the hash and lift any lockout. Allowed: the CLI (None), an admin, oneself."""
        pw_hash = _password_hash(password_hash)
        with self._begin() as session:
            user = self._user(session, users.c.username == _username(username))
            if actor is None or actor.user_id != user.id:
                self._require_admin(actor)
            session.execute(
                sa.update(users).where(users.c.id == user.id)
                .values(password_hash=pw_hash, failed_logins=0, locked_until=None,
                        session_generation=users.c.session_generation + 1)
            )
            # A new password ends every session made with the old one.
            self._audit(session, actor, "password_set", target_user_id=user.id,
                        detail="sessions_ended")
            return self._user(session, users.c.id == user.id)

    def end_sessions(self, user_id: int, actor: Optional[Actor] = None,
                     why: str = "sign_out") -> User:
        """End every portal session of the user at once (sign-out ends them all)."""
        with self._begin() as session:
            user = self._user(session, users.c.id == user_id)
            if actor is not None and actor.user_id != user.id:
                self._require_admin(actor)
            session.execute(sa.update(users).where(users.c.id == user.id)
                            .values(session_generation=users.c.session_generation + 1))
            self._audit(session, actor, "sessions_ended", target_user_id=user.id,
                        detail=f"why={why}")
            return self._user(session, users.c.id == user.id)

    def set_role(self, username: str, role: str, actor: Optional[Actor] = None) -> User:
        """Change a user's role (admins, or the CLI); their sessions end."""
        role = _role(role)
        self._require_admin(actor)
        with self._begin() as session:
            user = self._user(session, users.c.username == _username(username))
            session.execute(sa.update(users).where(users.c.id == user.id).values(
                role=role, session_generation=users.c.session_generation + 1))
            self._audit(session, actor, "role_changed", target_user_id=user.id,
                        detail=f"from={user.role} to={role}")
            return self._user(session, users.c.id == user.id)

    def set_active(self, username: str, active: bool, actor: Optional[Actor] = None) -> User:
        """Deactivate (no sign-in, every session ends) or reactivate an account."""
        self._require_admin(actor)
        with self._begin() as session:
            user = self._user(session, users.c.username == _username(username))
            session.execute(sa.update(users).where(users.c.id == user.id).values(
                deactivated_at=None if active else self._now(),
                session_generation=users.c.session_generation + 1))
            self._audit(session, actor, "user_reactivated" if active else "user_deactivated",
                        target_user_id=user.id)
            return self._user(session, users.c.id == user.id)

    # -- sign-in limits ------------------------------------------------------------------
    def login_wait(self, username: str, ip: str, known_device: bool = False) -> float:
        """Seconds this attempt must wait (0: go ahead). Two limits, no lock:

        - per IP address: `IP_FAILURES` failures within `IP_WINDOW` make it wait until the
          oldest of them leaves the window (one address cannot guess at speed);
        - per name, known or not: after `FREE_FAILURES` failures in a row since the last
          success, each attempt waits 2, 4, 8 ... up to `MAX_NAME_DELAY` seconds after the
          previous failure. A browser that signed in to this account before (`known_device`)
          is not held up by it, so a stranger's guesses cannot keep the owner out.
        """
        now = self._now()
        a = login_attempts.c
        with self._begin() as session:
            recent = session.execute(
                sa.select(a.at).where(a.ip == _ip(ip), a.ok.is_(False), a.at > now - IP_WINDOW)
                .order_by(a.at)).scalars().all()
            wait = 0.0
            if len(recent) >= IP_FAILURES:
                oldest = recent[len(recent) - IP_FAILURES]
                wait = (oldest + IP_WINDOW - now).total_seconds()
            if not known_device:
                failures, last = self._name_failures(session, _name_hash(username), now)
                if failures >= FREE_FAILURES:
                    delay = min(2.0 ** (failures - FREE_FAILURES + 1), MAX_NAME_DELAY)
                    wait = max(wait, (last + dt.timedelta(seconds=delay) - now).total_seconds())
            return max(wait, 0.0)

    def record_login_failure(self, username: str, ip: str = "unknown") -> Optional[User]:
        """A failed sign-in: counted for the limits and audited, for unknown names too (as a
        hash, never what was typed). Returns the account, or None for an unknown name."""
        now = self._now()
        name_hash = _name_hash(username)
        try:
            name = _username(username)
        except InputError:
            name = None
        with self._begin() as session:
            session.execute(sa.insert(login_attempts).values(at=now, ip=_ip(ip),
                                                             name_hash=name_hash, ok=False))
            user = self._find_user(session, users.c.username == name) if name else None
            failures, _ = self._name_failures(session, name_hash, now)
            if user is not None:
                session.execute(sa.update(users).where(users.c.id == user.id)
                                .values(failed_logins=users.c.failed_logins + 1))
                detail = f"failures={failures} ip={_ip(ip)}"
            else:
                detail = f"unknown={name_hash[:12]} failures={failures} ip={_ip(ip)}"
            self._audit(session, None, "login_failed", now=now, detail=detail,
                        target_user_id=user.id if user is not None else None)
            return self._find_user(session, users.c.id == user.id) if user is not None else None

    def record_login_success(self, username: str, ip: str = "unknown") -> User:
        """Reset the failure count and stamp the login."""
        with self._begin() as session:
            user = self._user(session, users.c.username == _username(username))
            now = self._now()
            session.execute(sa.insert(login_attempts).values(
                at=now, ip=_ip(ip), name_hash=_name_hash(username), ok=True))
            session.execute(
                sa.update(users).where(users.c.id == user.id)
                .values(failed_logins=0, locked_until=None, last_login_at=now)
            )
            self._audit(session, user.actor, "login", target_user_id=user.id, now=now,
                        detail=f"ip={_ip(ip)}")
            return self._user(session, users.c.id == user.id)

    @staticmethod
    def _name_failures(session: Session, name_hash: str, now: dt.datetime):
        """(failures in a row since the last success within a day, the last failure's time)."""
        a = login_attempts.c
        rows = session.execute(
            sa.select(a.at, a.ok).where(a.name_hash == name_hash, a.at > now - dt.timedelta(days=1))
            .order_by(a.at.desc(), a.id.desc()).limit(64)).all()
        failures = 0
        for row in rows:
            if row.ok:
                break
            failures += 1
        return failures, (rows[0].at if rows else now)

    # -- helpers -----------------------------------------------------------------------
    def _require_admin(self, actor: Optional[Actor]) -> None:
        if actor is None:
            return
        self._check_actor(actor)
        if not Role(actor.role).at_least(Role.ADMIN):
            raise PermissionDenied("managing users needs the admin role")

    @staticmethod
    def _find_user(session: Session, where) -> Optional[User]:
        row = session.execute(sa.select(users).where(where)).first()
        return row_to(User, row) if row is not None else None

    def _user(self, session: Session, where) -> User:
        user = self._find_user(session, where)
        if user is None:
            raise NotFound("no such user")
        return user
