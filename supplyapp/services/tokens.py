"""Issue, find and revoke API tokens."""

import hashlib
import secrets

from sqlalchemy import select

from supplyapp import audit
from supplyapp.clock import utcnow
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import ApiToken, Organisation, User
from supplyapp.services.errors import InvalidInput, NotFound
from supplyapp.services.transaction import use_case

TOKEN_PREFIX = "sat_"  # "supply api token": easy to spot in a leaked log


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@use_case
def _issue(name: str, **owner) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise InvalidInput({"name": _("Give the token a name of 1 to 80 characters.")})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        name=name,
        token_hash=_digest(token),
        prefix=token[:12],
        created_by=audit.current_actor_name(),
        **owner,
    )
    db.session.add(record)
    return record, token


def issue_user_token(username: str, name: str) -> tuple[ApiToken, str]:
    """A token acting as the user, with the user's role; returns the record and the token."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("No user named %(name)s.", name=username))
    return _issue(name, user=user)


def issue_organisation_token(code: str, name: str) -> tuple[ApiToken, str]:
    """A token for an organisation's own systems: it reaches only that organisation's data."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if organisation is None:
        raise NotFound(_("Unknown organisation code %(code)s.", code=code))
    return _issue(name, organisation=organisation)


@use_case
def use_token(token: str) -> ApiToken | None:
    """The active token's record, with the time of this use noted; None if it does not count."""
    record = find_active(token)
    if record is not None:
        record.last_used_at = utcnow()
    return record


def find_active(token: str) -> ApiToken | None:
    """The token's record if it exists, is not revoked, and its owner is active."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if record is None or record.revoked_at is not None:
        return None
    if record.user is not None and not record.user.active:
        return None
    if record.organisation is not None and not record.organisation.active:
        return None
    return record


@use_case
def revoke(token_id: int) -> ApiToken:
    record = db.session.get(ApiToken, token_id)
    if record is None:
        raise NotFound(_("No such token."))
    if record.revoked_at is None:
        record.revoked_at = utcnow()
    return record
