"""Recognise a Swedish personal identity number (personnummer or samordningsnummer) in a text
that should only ever hold a case reference."""

from __future__ import annotations

import re
from datetime import date

# 10 or 12 digits, with an optional - or + before the last four: YYMMDD-NNNN, YYYYMMDDNNNN ...
_SHAPE = re.compile(r"(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?!\d)")


def looks_like_personal_number(text: str) -> bool:
    """True when `text` holds anything shaped like a personal identity number: 10 or 12 digits
    (an optional `-` or `+` before the last four) whose first digits are a date (a
    samordningsnummer adds 60 to the day). The check digit is not required to match, so a
    mistyped number is refused too."""
    for match in _SHAPE.finditer(text):
        century, year, month, day = match.group(1, 2, 3, 4)
        if century is not None and not 18 <= int(century) <= 20:
            continue
        # Without the century any year will do: 2000 is a leap year, so 29 February passes.
        full_year = int(century + year) if century is not None else 2000
        day_number = int(day) - 60 if int(day) > 60 else int(day)  # samordningsnummer: day + 60
        try:
            date(full_year, int(month), day_number)
        except ValueError:
            continue
        return True
    return False
