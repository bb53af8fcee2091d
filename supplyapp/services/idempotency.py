"""Idempotent API writes: a client that timed out and retries with the same `Idempotency-Key`
gets the first answer again, and nothing is filed twice.

The key is stored with the first answer in the write's own transaction: on SQLite under the
write lock taken first, on PostgreSQL behind the unique key (token, key), so of two identical
requests racing each other one commits and the other is rolled back as a `Conflict`, after which
the caller replays the answer that was stored (`queries.tokens.stored_answer`).
"""

import hashlib
from collections.abc import Callable

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models.tokens import IdempotentAnswer
from supplyapp.services.errors import InvalidInput
from supplyapp.services.stock import begin_write
from supplyapp.services.transaction import use_case

KEY_HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def check_key(key: str) -> str:
    """The key as given: 1 to 255 visible ASCII characters (a UUID fits), else refused."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " < c <= "~" for c in key):
        raise InvalidInput(
            {KEY_HEADER: _("Give 1 to 255 visible ASCII characters, such as a UUID.")}
        )
    return key


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What was asked, so a key reused for another request is refused rather than replayed."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def refuse_other_request(stored: IdempotentAnswer, asked: str) -> None:
    if stored.fingerprint != asked:
        raise InvalidInput(
            {KEY_HEADER: _("This key was used for another request; use a new key for each one.")}
        )


@use_case
def answer_once(
    token_id: int, key: str, asked: str, work: Callable[[], tuple[int, str]]
) -> tuple[int, str, bool]:
    """(status, body, replayed): the stored first answer for this token and key, or work()'s
    answer, stored with the write in one transaction. work() may raise: nothing is stored and
    a retry with the same key does the work again."""
    begin_write()
    stored = db.session.scalar(
        select(IdempotentAnswer).where(
            IdempotentAnswer.token_id == token_id, IdempotentAnswer.key == check_key(key)
        )
    )
    if stored is not None:
        refuse_other_request(stored, asked)
        return stored.status, stored.body, True
    status, body = work()
    db.session.add(
        IdempotentAnswer(token_id=token_id, key=key, fingerprint=asked, status=status, body=body)
    )
    return status, body, False
