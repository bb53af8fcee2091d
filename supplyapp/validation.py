"""The checks that forms, services, file imports and the API share: one limit, one message each.

Services call `whole_number` and the others and raise `InvalidInput` naming the field; web forms
build their validators from the same limits and messages (`supplyapp/web/forms.py`), so a user
reads the same sentence whichever way the figure came in.
"""

from supplyapp.i18n import lazy as _l
from supplyapp.services.errors import InvalidInput

# Far above any real stock, and it keeps sums of quantities inside 64-bit integers.
MAX_QUANTITY = 1_000_000_000
# The price columns hold 12 digits, 2 of them decimals: 9,999,999,999.99 at most.
MAX_PRICE = 9_999_999_999

MESSAGES = {
    "zero_or_more": _l("Give a whole number, zero or more."),
    "above_zero": _l("Give a whole number above zero."),
    "too_large": _l("The number is too large."),
}


def message(key: str) -> str:
    return str(MESSAGES[key])


def quantity_error(value, *, positive: bool = False) -> str | None:
    """What is wrong with a quantity (None if nothing): a whole number, zero (or one) and up."""
    kind = "above_zero" if positive else "zero_or_more"
    if isinstance(value, bool) or not isinstance(value, int) or value < (1 if positive else 0):
        return message(kind)
    if value > MAX_QUANTITY:
        return message("too_large")
    return None


def whole_number(value, field: str, *, positive: bool = False) -> int:
    """The quantity, or InvalidInput naming the field."""
    error = quantity_error(value, positive=positive)
    if error:
        raise InvalidInput({field: error})
    return value


def check_quantity(value, field: str, errors: dict, *, positive: bool = False) -> int | None:
    """Like whole_number, but collects the message in errors[field] (forms of many fields)."""
    error = quantity_error(value, positive=positive)
    if error:
        errors[field] = error
        return None
    return value
