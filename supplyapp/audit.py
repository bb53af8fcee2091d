"""Record every change of data in the audit log, in the same transaction as the change.

Who acts is said once, at the edge, in a context variable: the web request hook and the API's
token check (`set_actor`), the CLI commands and the demo loader (`set_actor`, `acting_as`).
Services read it with `current_actor_name()`, for the audit rows and for the columns that name
a person (created_by, decided_by, ...); they never take it as a parameter. Services may add why
(a reason) with `give_reason` or `audit_reason`.
"""

import contextlib
import datetime as dt
import decimal
import enum
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, scoped_session

from supplyapp.clock import utcnow
from supplyapp.models.audit import AuditEvent

NOT_AUDITED = {"audit_events", "login_failures", "api_idempotent_answers"}
REDACTED = {"password_hash", "token_hash"}
# Bookkeeping that changes on every use; the events themselves (login, API call, logout,
# password change, reset, disabling: each ends the user's sessions) tell it.
IGNORED_COLUMNS = {"last_login_at", "last_used_at", "session_version"}
# Large inputs kept with their record (an allocation round's problem and plan): not copied.
STORED_WITH_RECORD = {
    "problem_json",
    "model_plan_json",
    "comparison_json",
    "context",
    "inputs_json",  # a forecast run's inputs and outputs, a scenario's admissions table
    "outputs_json",
    "admissions_json",
}


@dataclass(frozen=True)
class Actor:
    name: str
    address: str | None = None


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
SYSTEM = Actor("system")
_reason: ContextVar[str | None] = ContextVar("audit_reason", default=None)


def set_actor(name: str, address: str | None = None) -> None:
    _actor.set(Actor(name, address))


def current_actor_name() -> str:
    """Who acts now, as the edge said ("system" when nobody did)."""
    return (_actor.get() or SYSTEM).name


@contextlib.contextmanager
def acting_as(name: str, address: str | None = None):
    token = _actor.set(Actor(name, address))
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def audit_reason(reason: str | None):
    """Attach a reason to the changes flushed inside the block."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def current_reason() -> str | None:
    return _reason.get()


def give_reason(reason: str | None) -> None:
    """Inside a use case: the reason for what it writes from now on (the use case's
    transaction scope puts the previous reason back when it ends)."""
    _reason.set(reason)


def record(
    session: Session | scoped_session[Any],
    action: str,
    entity: str,
    key: str,
    *,
    before=None,
    after=None,
    reason: str | None = None,
) -> None:
    """Record a decision that is not a plain row change (sign-in, approval, export...)."""
    _insert(session, [_row(action, entity, key, before, after, reason)])


def _jsonable(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _columns(obj):
    return [a for a in inspect(obj).mapper.column_attrs]


def _snapshot(obj, use_committed: bool = False) -> dict:
    state = inspect(obj)
    values = {}
    for attr in _columns(obj):
        key = attr.key
        if key in REDACTED:
            values[key] = "***"
            continue
        if key in STORED_WITH_RECORD:
            values[key] = "(stored with the record)"
            continue
        if use_committed:
            history = state.attrs[key].history
            value = history.deleted[0] if history.deleted else state.attrs[key].value
        else:
            value = state.attrs[key].value
        values[key] = _jsonable(value)
    return values


def _changes(obj) -> tuple[dict, dict]:
    before, after = {}, {}
    state = inspect(obj)
    for attr in _columns(obj):
        if attr.key in IGNORED_COLUMNS:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if attr.key in REDACTED:
            old, new = "***", "*** (changed)"
        before[attr.key], after[attr.key] = _jsonable(old), _jsonable(new)
    return before, after


def _key(obj) -> str:
    code = getattr(obj, "code", None) or getattr(obj, "username", None)
    if code is not None:
        return str(code)
    # New rows have no identity key yet inside after_flush; their primary key is set already.
    state = inspect(obj)
    return "/".join(str(v) for v in state.mapper.primary_key_from_instance(obj))


def _row(action, entity, key, before, after, reason=None) -> dict:
    actor = _actor.get() or SYSTEM
    return {
        "at": utcnow(),
        "actor": actor.name,
        "address": actor.address,
        "action": action,
        "entity": entity,
        "entity_key": key,
        "before": before,
        "after": after,
        "reason": reason if reason is not None else _reason.get(),
    }


def _insert(session: Session | scoped_session[Any], rows: list[dict]) -> None:
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, flush_context) -> None:
    rows = []
    for obj in session.new:
        table = obj.__table__.name
        if table not in NOT_AUDITED:
            rows.append(_row("create", table, _key(obj), None, _snapshot(obj)))
    for obj in session.dirty:
        table = obj.__table__.name
        if table in NOT_AUDITED or not session.is_modified(obj, include_collections=False):
            continue
        before, after = _changes(obj)
        if after:
            rows.append(_row("update", table, _key(obj), before, after))
    for obj in session.deleted:
        table = obj.__table__.name
        if table not in NOT_AUDITED:
            rows.append(_row("delete", table, _key(obj), _snapshot(obj, True), None))
    _insert(session, rows)
