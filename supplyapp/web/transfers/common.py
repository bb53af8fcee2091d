"""What the transfer pages share: who coordinates, and a refusal in one line."""

from supplyapp.queries.transfers import COORDINATING_ROLES
from supplyapp.services.errors import DomainError, InvalidInput

# The national ICU coordinator does the coordination; allocation officers may stand in.
COORDINATORS = COORDINATING_ROLES


def error_text(error: DomainError) -> str:
    """A service's refusal as one message (the fields' messages joined)."""
    if isinstance(error, InvalidInput):
        return " ".join(error.errors.values())
    return str(error)
