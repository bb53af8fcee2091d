"""The audit log: who, when, what, before and after; never edited."""

import pytest
from sqlalchemy import select

from supplyapp import audit
from supplyapp.extensions import db
from supplyapp.models import AuditEvent, Item
from supplyapp.models.audit import AuditLogIsAppendOnly
from supplyapp.services import reference


def _events(entity, key):
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_key == key)
    return db.session.scalars(query.order_by(AuditEvent.id)).all()


def test_a_change_records_who_what_before_and_after(places):
    with audit.acting_as("officer.anna", "10.1.2.3"), audit.audit_reason("supplier's new pack"):
        reference.save_record("items", {"pack_size": 25}, code="ffp2")
    [event] = _events("items", "ffp2")
    assert (event.actor, event.action, event.address) == ("officer.anna", "update", "10.1.2.3")
    assert event.before == {"pack_size": 20} and event.after == {"pack_size": 25}
    assert event.reason == "supplier's new pack" and event.at is not None


def test_a_new_record_is_recorded_with_all_its_values(places):
    values = {
        "code": "NL-TEST",
        "name": "Testlager",
        "lat": 59.0,
        "lon": 17.0,
        "municipality_code": None,
        "address": None,
        "active": True,
    }
    with audit.acting_as("admin"):
        reference.save_record("warehouses", values)
    [event] = _events("warehouses", "NL-TEST")
    assert event.action == "create" and event.after["name"] == "Testlager"


def test_passwords_never_reach_the_audit_log(users):
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "users")).all()
    assert rows and all("argon2" not in str(row.after) for row in rows)


def test_an_unchanged_save_records_nothing(places):
    item = db.session.scalar(select(Item).where(Item.code == "ffp2"))
    reference.save_record("items", {"pack_size": item.pack_size}, code="ffp2")
    assert _events("items", "ffp2") == []


def test_audit_events_cannot_be_edited_or_deleted(places):
    event = db.session.scalars(select(AuditEvent)).first()
    event.reason = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditEvent)).first())
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
