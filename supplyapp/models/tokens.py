"""API tokens: a bearer token acts for one user, or for one organisation's systems."""

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplyapp.extensions import Model
from supplyapp.models.base import created_at_column
from supplyapp.models.places import Organisation
from supplyapp.models.users import User


class ApiToken(Model):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="one_owner"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # Only a hash is kept; the token itself is shown once, when it is made.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, to tell tokens apart
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def code(self) -> str:  # the audit log's key
        return self.prefix


class IdempotentAnswer(Model):
    """The first answer to a write sent with an `Idempotency-Key`: a retry with the same key
    from the same token gets this answer again instead of filing twice. Stored in the write's
    own transaction, so the key exists exactly when the write does."""

    __tablename__ = "api_idempotent_answers"
    __table_args__ = (UniqueConstraint("token_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    key: Mapped[str] = mapped_column(String(255))
    # What was asked (method, path, a hash of the body): the key may not be reused for another.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    @property
    def code(self) -> str:  # the audit log's key
        return f"{self.token_id}/{self.key}"
