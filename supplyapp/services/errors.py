"""Domain errors that views, CLI and API turn into messages."""


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was written."""


class InvalidInput(DomainError):
    """One or more fields are wrong: {field: message}."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class NotFound(DomainError):
    pass


class LoginRefused(DomainError):
    pass


class LoginThrottled(LoginRefused):
    pass
