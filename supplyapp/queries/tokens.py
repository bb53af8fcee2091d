"""Read-only queries about API tokens' stored answers."""

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models.tokens import IdempotentAnswer


def stored_answer(token_id: int, key: str) -> IdempotentAnswer | None:
    """The answer stored for this token and Idempotency-Key, as committed now."""
    return db.session.scalar(
        select(IdempotentAnswer)
        .where(IdempotentAnswer.token_id == token_id, IdempotentAnswer.key == key)
        .execution_options(populate_existing=True)
    )
