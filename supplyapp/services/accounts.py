"""Users: sign-in with throttling, creating, changing, disabling, resetting passwords."""

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from supplyapp import audit, proxies
from supplyapp.clock import utcnow
from supplyapp.config import setting
from supplyapp.database import is_sqlite
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import LoginFailure, Organisation, Role, User
from supplyapp.models.intensive_care import IcuUnit
from supplyapp.models.users import ORGANISATION_KINDS_BY_ROLE
from supplyapp.services import passwords
from supplyapp.services.errors import InvalidInput, LoginRefused, LoginThrottled, NotFound
from supplyapp.services.stock import begin_write
from supplyapp.services.transaction import use_case

# A hash to verify against when the name is unknown, so both cases take the same time.
_DUMMY_HASH: dict[str, str] = {}


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=setting("ARGON2_TIME_COST"),
        memory_cost=setting("ARGON2_MEMORY_COST"),
        parallelism=setting("ARGON2_PARALLELISM"),
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(
    password: str, field: str = "password", names: tuple[str | None, ...] = ()
) -> None:
    """The rules of `services/passwords.py`; names: the user's name, full name and e-mail."""
    passwords.check(password, field, names)


def _names(user: User) -> tuple[str | None, ...]:
    return (user.username, user.full_name, user.email)


def authenticate(username: str, password: str, address: str) -> User:
    """The user, if the name and password match and neither name nor address is locked.

    Each attempt is first counted under a lock per name (`_claim_attempt`), so guesses sent
    in parallel cannot all pass the check before any failure is written: exactly
    LOGIN_MAX_FAILURES get an answer, the rest are throttled.
    """
    username = username.strip().lower()
    _claim_attempt(username, address)
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        _verify(_dummy_hash(), password)
        ok = False
    else:
        ok = _verify(user.password_hash, password) and user.active
    if not ok or user is None:
        _record_login_failure(username)  # the claimed attempt stays: it counts as a failure
        raise LoginRefused(_("Wrong user name or password."))
    return _record_login(user, password, address)


@use_case
def _claim_attempt(username: str, address: str) -> None:
    """Under a lock per name: refuse when throttled, else count this attempt as a failure
    until it succeeds (committed before the password is checked)."""
    begin_write()
    if not is_sqlite():
        db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext("login:" + username))))
    _refuse_if_throttled(username, address)
    db.session.add(LoginFailure(username=username, address=address))


@use_case
def _record_login_failure(username: str) -> None:
    audit.record(db.session, "login_failed", "users", username)


@use_case
def record_logout(username: str) -> None:
    """Signing out ends every session of the user, a copied cookie's too."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None:
        end_sessions(user)
    audit.record(db.session, "logout", "users", username)


def end_sessions(user: User) -> None:
    """Every session of the user stops working at its next request (User.get_id)."""
    user.session_version += 1


@use_case
def _record_login(user: User, password: str, address: str) -> User:
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    with audit.acting_as(user.username, address):
        audit.record(db.session, "login", "users", user.username)
        db.session.flush()  # the login row names the user who signs in, not the caller
    return user


def _dummy_hash() -> str:
    if "hash" not in _DUMMY_HASH:
        _DUMMY_HASH["hash"] = hash_password(secrets.token_hex(16))
    return _DUMMY_HASH["hash"]


def _shared_address(address: str) -> bool:
    """Many people sign in from it (a configured NAT, or the proxy itself): lock accounts only."""
    shared = proxies.networks(setting("LOGIN_SHARED_ADDRESSES")) + proxies.networks(
        setting("TRUSTED_PROXIES")
    )
    return proxies.contains(shared, address)


def _refuse_if_throttled(username: str, address: str) -> None:
    since = utcnow() - timedelta(minutes=setting("LOGIN_WINDOW_MINUTES"))
    by_name = db.session.scalar(
        select(func.count()).where(LoginFailure.username == username, LoginFailure.at >= since)
    )
    by_address = (
        0
        if _shared_address(address)
        else db.session.scalar(
            select(func.count()).where(LoginFailure.address == address, LoginFailure.at >= since)
        )
    )
    if by_name >= setting("LOGIN_MAX_FAILURES") or by_address >= setting(
        "LOGIN_MAX_FAILURES_PER_ADDRESS"
    ):
        raise LoginThrottled(
            _(
                "Too many failed attempts. Wait %(n)d minutes and try again.",
                n=setting("LOGIN_WINDOW_MINUTES"),
            )
        )


def find_user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(_("No user named %(name)s.", name=username))
    return user


def _binding_for(role: Role, code: str | None) -> tuple[Organisation | None, IcuUnit | None]:
    """What a user of this role is bound to: an organisation, or (an ICU reporter) a unit and
    the unit's provider or region."""
    if role != Role.ICU_REPORTER:
        return _organisation_for(role, code), None
    code = (code or "").strip()
    unit = db.session.scalar(select(IcuUnit).where(IcuUnit.code == code)) if code else None
    if unit is None:
        raise InvalidInput({"organisation": _("Give the code of the reporter's ICU unit.")})
    return unit.provider or unit.region, unit


def _organisation_for(role: Role, organisation_code: str | None) -> Organisation | None:
    kinds = ORGANISATION_KINDS_BY_ROLE.get(role)
    code = (organisation_code or "").strip()
    if kinds is None:
        if code:
            raise InvalidInput(
                {
                    "organisation": _(
                        "Only requesters and county boards belong to "
                        "an organisation; leave this empty."
                    )
                }
            )
        return None
    if not code:
        raise InvalidInput({"organisation": _("This role needs an organisation.")})
    organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if organisation is None:
        raise InvalidInput({"organisation": _("Unknown organisation code %(code)s.", code=code)})
    if organisation.kind.value not in kinds:
        raise InvalidInput(
            {"organisation": _("%(org)s cannot have this role.", org=str(organisation))}
        )
    return organisation


@use_case
def create_user(
    username: str,
    full_name: str,
    role: Role | str,
    password: str,
    organisation_code: str | None = None,
    email: str | None = None,
) -> User:
    username = username.strip().lower()
    role = Role(role)
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise InvalidInput({"username": _("The user name %(name)s is taken.", name=username)})
    check_password_rules(password, names=(username, full_name, email))
    organisation, unit = _binding_for(role, organisation_code)
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role,
        email=email or None,
        organisation=organisation,
        icu_unit=unit,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    return user


@use_case
def update_user(
    user: User,
    full_name: str,
    role: Role | str,
    organisation_code: str | None,
    email: str | None,
    active: bool,
) -> User:
    role = Role(role)
    user.organisation, user.icu_unit = _binding_for(role, organisation_code)
    if user.active and not active:
        end_sessions(user)
    user.full_name, user.role, user.active = full_name.strip(), role, active
    user.email = email or None
    return user


@use_case
def set_active(username: str, active: bool) -> User:
    user = find_user(username)
    if not active:
        end_sessions(user)
    user.active = active
    return user


@use_case
def reset_password(username: str, password: str | None = None) -> tuple[User, str]:
    """Set a new password (a generated one when none is given); returns it."""
    user = find_user(username)
    password = password or secrets.token_urlsafe(12)
    check_password_rules(password, names=_names(user))
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == user.username))
    return user, password


@use_case
def change_own_password(user: User, current: str, new: str) -> None:
    if not _verify(user.password_hash, current):
        raise InvalidInput({"current_password": _("The current password is wrong.")})
    check_password_rules(new, "new_password", _names(user))
    user.password_hash = hash_password(new)
    end_sessions(user)  # every other session; the web signs the current one in afresh


@use_case
def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
