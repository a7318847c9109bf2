"""Portal accounts and login lockout, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.triage.queue.conftest import HASH, T0
from triage.errors import Conflict, InputError, NotFound, PermissionDenied

HASH2 = "$2b$12$abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU"


def test_create_and_get(repo, clock):
    user = repo.create_user("Alice.M", HASH, "moderator")
    assert (user.username, user.role, user.failed_logins, user.locked_until,
            user.created_at, user.last_login_at) == ("alice.m", "moderator", 0, None, T0, None)
    assert repo.get_user("ALICE.M") == user == repo.get_user_by_id(user.id)
    assert user.password_hash == HASH and HASH not in repr(user)
    assert repo.get_user("nobody") is None and repo.get_user("x") is None
    assert repo.get_user_by_id(999) is None
    assert [u.username for u in repo.list_users()] == ["alice.m"]
    event = repo.list_audit()[-1]
    assert (event.action, event.actor_id, event.target_user_id) == ("user_created", None, user.id)


@pytest.mark.parametrize("username,password_hash,role", [
    ("ab", HASH, "moderator"),  # too short
    ("has space", HASH, "moderator"),
    ("bob", "hunter2", "moderator"),  # a plain password, not a hash
    ("bob", HASH, "root"),
])
def test_create_refuses_bad_input(repo, username, password_hash, role):
    with pytest.raises(InputError):
        repo.create_user(username, password_hash, role)
    assert repo.list_users() == []


def test_usernames_are_unique_case_insensitively(repo):
    repo.create_user("bob", HASH, "moderator")
    with pytest.raises(Conflict):
        repo.create_user("BOB", HASH, "admin")


def test_only_admins_manage_users(repo, staff):
    for who in ("mod", "sup"):
        with pytest.raises(PermissionDenied):
            repo.create_user("eve", HASH, "admin", actor=staff[who])
        with pytest.raises(PermissionDenied):
            repo.set_password_hash("mod2", HASH2, actor=staff[who])
    made = repo.create_user("eve", HASH, "moderator", actor=staff["admin"])
    assert repo.list_audit()[-1].actor_id == staff["admin"].user_id
    assert repo.set_password_hash("eve", HASH2, actor=staff["admin"]).password_hash == HASH2
    # Everyone may change their own.
    assert repo.set_password_hash("mod", HASH2, actor=staff["mod"]).password_hash == HASH2
    with pytest.raises(NotFound):
        repo.set_password_hash("ghost", HASH2)
    assert made.role == "moderator"


def test_growing_delays_per_name_after_five_failures(repo, clock):
    repo.create_user("carol", HASH, "moderator")
    for n in range(1, 6):
        assert repo.login_wait("carol", "10.0.0.1") == 0
        assert repo.record_login_failure("carol", "10.0.0.1").failed_logins == n
    assert repo.login_wait("carol", "10.0.0.9") == 2  # from any address
    assert repo.login_wait("carol", "10.0.0.9", known_device=True) == 0
    clock.advance(seconds=2)
    assert repo.login_wait("carol", "10.0.0.1") == 0
    repo.record_login_failure("carol", "10.0.0.1")
    assert repo.login_wait("carol", "10.0.0.1") == 4
    for _ in range(20):
        repo.record_login_failure("carol", "10.0.0.2")
    assert repo.login_wait("carol", "10.0.0.2", known_device=True) > 0  # the IP limit
    assert [e.detail for e in repo.list_audit()][-1].startswith("failures=26 ip=10.0.0.2")


def test_unknown_names_are_limited_and_audited_as_a_hash(repo, clock):
    for _ in range(5):
        assert repo.record_login_failure("Nobody.Here", "10.0.0.3") is None
    assert repo.login_wait("nobody.here", "10.0.0.4") == 2  # the same rule as a real name
    event = repo.list_audit()[-1]
    assert event.action == "login_failed" and event.target_user_id is None
    assert event.detail.startswith("unknown=") and "nobody" not in event.detail.lower()


def test_the_ip_limit_spans_names(repo, clock):
    for i in range(20):
        repo.record_login_failure(f"guess{i}", "10.0.0.5")
    wait = repo.login_wait("someone-else", "10.0.0.5")
    assert 0 < wait <= 15 * 60
    assert repo.login_wait("someone-else", "10.0.0.6") == 0
    clock.advance(minutes=15, seconds=1)
    assert repo.login_wait("someone-else", "10.0.0.5") == 0


def test_success_resets_and_stamps(repo, clock):
    repo.create_user("dave", HASH, "supervisor")
    repo.record_login_failure("dave")
    clock.advance(minutes=1)
    user = repo.record_login_success("dave")
    assert (user.failed_logins, user.locked_until, user.last_login_at) == (0, None, clock.now)
    assert repo.list_audit()[-1].action == "login"


def test_a_password_reset_ends_sessions(repo, clock):
    user = repo.create_user("erin", HASH, "moderator")
    user = repo.set_password_hash("erin", HASH2)
    assert user.password_hash == HASH2 and user.session_generation == 1