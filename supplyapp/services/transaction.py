"""One use case, one transaction: commit on success, roll back on any refusal."""

from sqlalchemy.exc import IntegrityError

from supplyapp import audit
from supplyapp.extensions import db
from supplyapp.services.errors import DomainError


def in_one_transaction(work, reason: str | None = None):
    """Run work() and commit; a domain refusal or a broken constraint rolls everything back.

    The reason goes on every audit row the work writes.
    """
    try:
        with audit.audit_reason(reason):
            result = work()
            db.session.flush()
        db.session.commit()
    except (DomainError, IntegrityError):
        db.session.rollback()
        raise
    return result
