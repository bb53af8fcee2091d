"""Read-only queries: reference records and the organisations a user may see."""

from collections.abc import Sequence

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import County, Organisation, OrganisationKind, User, Warehouse
from supplyapp.models.stock import Lot
from supplyapp.models.tokens import ApiToken
from supplyapp.permissions import visible_organisations_filter
from supplyapp.services.errors import known_id
from supplyapp.services.reference import MODELS


def reference_records(entity: str, kind: str | None = None) -> Sequence:
    model = MODELS[entity]
    query = select(model).order_by(model.code)
    if entity == "organisations" and kind in {k.value for k in OrganisationKind}:
        query = query.where(Organisation.kind == kind)
    return db.session.scalars(query).all()


def visible_organisations(user, kind: str | None = None) -> Sequence[Organisation]:
    query = (
        select(Organisation)
        .where(visible_organisations_filter(user))
        .order_by(Organisation.county_code, Organisation.kind, Organisation.code)
    )
    if kind in {k.value for k in OrganisationKind}:
        query = query.where(Organisation.kind == kind)
    return db.session.scalars(query).all()


def organisation(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def counties() -> list[County]:
    return list(db.session.scalars(select(County).order_by(County.code)))


def county(code: str) -> County | None:
    return db.session.get(County, code)


def active_warehouses() -> list[Warehouse]:
    query = select(Warehouse).where(Warehouse.active.is_(True)).order_by(Warehouse.code)
    return list(db.session.scalars(query))


def lot(lot_id: int) -> Lot | None:
    return db.session.get(Lot, lot_id)


def place_name(code: str) -> str | None:
    """The name of the organisation or warehouse with this code."""
    return db.session.scalar(
        select(Organisation.name).where(Organisation.code == code)
    ) or db.session.scalar(select(Warehouse.name).where(Warehouse.code == code))


def users(organisation_id: int | None = None) -> list[User]:
    """All users, or an organisation's, by user name."""
    query = select(User).order_by(User.username)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def api_tokens(organisation_id: int | None = None) -> list[ApiToken]:
    """Every API token (newest last), or an organisation's (newest first)."""
    if organisation_id is None:
        return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id)))
    query = select(ApiToken).where(ApiToken.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(ApiToken.id.desc())))


def api_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def user_for_session(session_id: str) -> User | None:
    """The user a session names ("id.version", see User.get_id), if that version is current."""
    number, _, version = session_id.partition(".")
    if not number.isdigit() or not version.isdigit() or not known_id(int(number)):
        return None
    user = db.session.get(User, int(number))
    if user is None or str(user.session_version) != version:
        return None
    return user
