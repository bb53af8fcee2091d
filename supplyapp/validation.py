"""The checks that forms, services, file imports and the API share: one limit, one message each.

Services call `whole_number` and the others and raise `InvalidInput` naming the field; web forms
build their validators from the same limits and messages (`supplyapp/web/forms.py`), so a user
reads the same sentence whichever way the figure came in.
"""

from supplyapp.i18n import lazy as _l
from supplyapp.services.errors import InvalidInput

# Far above any real stock, and it keeps sums of quantities inside 64-bit integers.
MAX_QUANTITY = 1_000_000_000

MESSAGES = {
    "zero_or_more": _l("Give a whole number, zero or more."),
    "above_zero": _l("Give a whole number above zero."),
    "too_large": _l("The number is too large."),
    "required": _l("A value is required."),
    "reason": _l("Give a reason."),
}


def message(key: str) -> str:
    return str(MESSAGES[key])


def quantity_error(value, *, positive: bool = False, most: int = MAX_QUANTITY) -> str | None:
    """What is wrong with a quantity (None if nothing): a whole number, zero (or one) and up."""
    kind = "above_zero" if positive else "zero_or_more"
    if isinstance(value, bool) or not isinstance(value, int):
        return message(kind)
    if value < (1 if positive else 0):
        return message(kind)
    if value > most:
        return message("too_large") if most == MAX_QUANTITY else None
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
