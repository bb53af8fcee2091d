"""Password rules: a length, then neither a common or breached password (the list shipped in
`data/common-passwords.txt.gz`, see data/SOURCES.md), nor the user's own names, nor the demo's
published password outside the demo. Checked by the service whenever a password is set."""

import difflib
import gzip
import re
from functools import cache
from pathlib import Path

from supplyapp.config import setting
from supplyapp.i18n import _
from supplyapp.services.errors import InvalidInput

COMMON_LIST = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"
DEMO_PASSWORD = "Beredskap2026"  # printed in the README: any other install must refuse it
MAX_LENGTH = 200
MIN_DISTINCT = 5
SIMILARITY = 0.7  # as Django's UserAttributeSimilarityValidator


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_LIST, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def _bare(text: str) -> str:
    """Lower case, without the digits and signs people add to a word to pass a rule."""
    return re.sub(r"[\W\d_]+$", "", re.sub(r"^[\W\d_]+", "", text.lower()))


def check(password: str, field: str = "password", names: tuple[str | None, ...] = ()) -> None:
    """InvalidInput({field: reason}) unless the password may be used by the user of `names`
    (user name, full name, e-mail)."""
    minimum = setting("MIN_PASSWORD_LENGTH")
    if len(password) < minimum:
        raise InvalidInput({field: _("At least %(n)d characters.", n=minimum)})
    if len(password) > MAX_LENGTH:
        raise InvalidInput({field: _("At most 200 characters.")})
    lower = password.lower()
    if len(set(lower)) < MIN_DISTINCT:
        raise InvalidInput({field: _("Use at least %(n)d different characters.", n=MIN_DISTINCT)})
    common = common_passwords()
    if lower in common or _bare(password) in common:
        raise InvalidInput(
            {field: _("This password is among the most common ones in breaches: choose another.")}
        )
    if lower == DEMO_PASSWORD.lower() and setting("NAME") == "production":
        raise InvalidInput({field: _("This is the demo's published password: choose another.")})
    for part in _name_parts(names):
        if part in lower or difflib.SequenceMatcher(a=lower, b=part).quick_ratio() >= SIMILARITY:
            raise InvalidInput({field: _("The password must not contain your own names.")})


def _name_parts(names: tuple[str | None, ...]) -> set[str]:
    parts = set()
    for name in names:
        if not name:
            continue
        name = name.lower()
        parts.add(name)
        parts.update(p for p in re.split(r"[\W_]+", name.split("@")[0]) if len(p) >= 3)
    return {p for p in parts if len(p) >= 3}
