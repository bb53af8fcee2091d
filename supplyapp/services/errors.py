"""Domain errors that views, CLI and API turn into messages."""


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was written."""


class InvalidInput(DomainError):
    """One or more fields are wrong: {field: message}; `codes` gives a field a stable,
    machine-readable code (the API sends "invalid" for a field without one)."""

    def __init__(self, errors: dict[str, str], codes: dict[str, str] | None = None):
        self.errors = errors
        self.codes = codes or {}
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class NotFound(DomainError):
    pass


class Conflict(DomainError):
    """Another transaction saved a clashing row at the same moment (a unique key, a check)."""


class LoginRefused(DomainError):
    pass


class LoginThrottled(LoginRefused):
    pass


MAX_ID = 2**31 - 1  # the primary keys are 32-bit integers in PostgreSQL


def known_id(value: int) -> bool:
    """Whether a number from a URL can be a record's id at all (PostgreSQL refuses a query
    with a larger one rather than finding nothing)."""
    return isinstance(value, int) and 1 <= value <= MAX_ID
