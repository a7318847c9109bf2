"""The portal's second factor, stored: TOTP secrets, the last accepted time-step, and
hashed single-use recovery codes. Checking a code is the portal's job (`triage.portal.mfa`);
this module only stores, and accepts each time-step and each recovery code once
(compare-and-set), with an audit row for every change."""

from __future__ import annotations

from typing import Optional, Sequence

import sqlalchemy as sa

from triage.queue._store import Store
from triage.queue.models import Actor, User
from triage.queue.tables import recovery_codes, users

__all__ = ["SecondFactorMixin"]


class SecondFactorMixin(Store):
    def start_second_factor(self, user_id: int, secret: str) -> None:
        """Store a new, not yet confirmed TOTP secret (enrolment)."""
        with self._begin() as session:
            session.execute(sa.update(users).where(users.c.id == user_id, users.c.totp_enabled_at.is_(None))
                            .values(totp_secret=secret, totp_last_step=None))
            self._audit(session, None, "mfa_enrolment_started", target_user_id=user_id)

    def confirm_second_factor(self, user_id: int, step: int, code_hashes: Sequence[str]) -> None:
        """The user proved the secret works: turn it on and store the recovery codes."""
        now = self._now()
        with self._begin() as session:
            session.execute(sa.update(users).where(users.c.id == user_id).values(
                totp_enabled_at=now, totp_last_step=step))
            session.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
            for code_hash in code_hashes:
                session.execute(sa.insert(recovery_codes).values(user_id=user_id,
                                                                 code_hash=code_hash))
            self._audit(session, None, "mfa_enabled", target_user_id=user_id, now=now,
                        detail=f"recovery_codes={len(code_hashes)}")

    def accept_totp_step(self, user_id: int, step: int) -> bool:
        """Accept a TOTP time-step once: a code that was used (or an older one) is refused."""
        u = users.c
        with self._begin() as session:
            return session.execute(sa.update(users).where(
                u.id == user_id, u.totp_enabled_at.isnot(None),
                sa.or_(u.totp_last_step.is_(None), u.totp_last_step < step))
                .values(totp_last_step=step)).rowcount == 1

    def use_recovery_code(self, user_id: int, code_hash: str) -> bool:
        """Spend one recovery code; False if it is unknown or used."""
        r = recovery_codes.c
        now = self._now()
        with self._begin() as session:
            done = session.execute(sa.update(recovery_codes).where(
                r.user_id == user_id, r.code_hash == code_hash, r.used_at.is_(None))
                .values(used_at=now)).rowcount == 1
            if done:
                left = session.execute(sa.select(sa.func.count()).select_from(recovery_codes)
                                       .where(r.user_id == user_id, r.used_at.is_(None))).scalar_one()
                self._audit(session, None, "mfa_recovery_code_used", target_user_id=user_id,
                            now=now, detail=f"left={left}")
            return done

    def reset_second_factor(self, username: str, actor: Optional[Actor] = None) -> User:
        """An admin (or the CLI) removes a user's second factor; their sessions end, and a
        supervisor or admin must enrol again at the next sign-in."""
        self._require_admin(actor)
        with self._begin() as session:
            user = self._user(session, users.c.username == username.strip().lower())
            session.execute(sa.update(users).where(users.c.id == user.id).values(
                totp_secret=None, totp_enabled_at=None, totp_last_step=None,
                session_generation=users.c.session_generation + 1))
            session.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user.id))
            self._audit(session, actor, "mfa_reset", target_user_id=user.id,
                        detail="sessions_ended")
            return self._user(session, users.c.id == user.id)
