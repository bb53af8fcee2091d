"""Read-only queries: reference records and the organisations a user may see."""

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import Organisation, OrganisationKind
from supplyapp.permissions import visible_organisations_filter
from supplyapp.services.reference import MODELS


def reference_records(entity: str, kind: str | None = None) -> list:
    model = MODELS[entity]
    query = select(model).order_by(model.code)
    if entity == "organisations" and kind in {k.value for k in OrganisationKind}:
        query = query.where(model.kind == kind)
    return db.session.scalars(query).all()


def visible_organisations(user, kind: str | None = None) -> list[Organisation]:
    query = (
        select(Organisation)
        .where(visible_organisations_filter(user))
        .order_by(Organisation.county_code, Organisation.kind, Organisation.code)
    )
    if kind in {k.value for k in OrganisationKind}:
        query = query.where(Organisation.kind == kind)
    return db.session.scalars(query).all()
