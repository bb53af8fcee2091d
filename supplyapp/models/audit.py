"""The audit log: who changed what, when, and why. Rows are written once, never edited."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from supplyapp.clock import utcnow
from supplyapp.extensions import Model


class AuditEvent(Model):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80), index=True)  # username, or cli:/system:
    action: Mapped[str] = mapped_column(String(40), index=True)  # create, update, delete, ...
    entity: Mapped[str] = mapped_column(String(40), index=True)  # table name
    entity_key: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(45))


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit events are never edited or deleted")
