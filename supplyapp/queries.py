"""Read-only queries for pages and reports."""

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import AuditEvent, Organisation, OrganisationKind
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


def audit_events(
    entity: str | None = None, actor: str | None = None, key: str | None = None, limit: int = 500
) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if key:
        query = query.where(AuditEvent.entity_key == key)
    return db.session.scalars(query).all()


def audit_entities() -> list[str]:
    query = select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)
    return db.session.scalars(query).all()
