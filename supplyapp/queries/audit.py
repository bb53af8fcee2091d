"""Read-only queries: the audit log."""

from collections.abc import Sequence

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import AuditEvent


def audit_events(
    entity: str | None = None, actor: str | None = None, key: str | None = None, limit: int = 500
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if key:
        query = query.where(AuditEvent.entity_key == key)
    return db.session.scalars(query).all()


def audit_entities() -> Sequence[str]:
    query = select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)
    return db.session.scalars(query).all()
