"""The Swedish catalogue covers the code, and the UI speaks Swedish by default.

After adding or changing strings, refresh the catalogue, translate the new entries, and compile:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy -k lazy_gettext \
        -o translations/messages.pot . \
      && .venv/bin/pybabel update --no-fuzzy-matching -i translations/messages.pot \
        -d translations -l sv \
      && make translations
"""

import ast
import os
import re
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale

from supplyapp import formatting
from supplyapp.extensions import babel

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = ROOT / "translations" / "sv" / "LC_MESSAGES"
PO_FILE = CATALOGUE_DIR / "messages.po"
# The same keywords as the refresh command above: `_l` and `lazy` are supplyapp.i18n's names.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy": None, "lazy_gettext": None}
GETTEXT_NAMES = {"_", "_l", "lazy", "gettext", "lazy_gettext"}
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def read_catalogue():
    with PO_FILE.open("rb") as f:
        return read_po(f, locale="sv")


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """Compile messages.po to messages.mo, as `make translations` does, so the app can use it.

    Written to a temporary file and renamed, so a test reading the catalogue meanwhile never sees
    half a file. flask-babel keeps loaded catalogues for the life of the process (on the shared
    Babel object), so pages rendered before the compilation must not leave a stale one behind.
    """
    catalogue = read_catalogue()
    handle, temporary = tempfile.mkstemp(dir=CATALOGUE_DIR, suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as f:
            write_mo(f, catalogue)  # fuzzy entries are left out, as pybabel compile does
        os.replace(temporary, CATALOGUE_DIR / "messages.mo")
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    domain = vars(babel).get("domain_instance")  # flask-babel's cached_property, once used
    if domain is not None:
        domain.cache.clear()


def extracted_messages() -> dict[str, list[str]]:
    """msgid -> where it is used, extracted from the code and templates as they are now."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def as_tuple(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def test_the_code_and_templates_use_the_translation_functions():
    assert len(extracted_messages()) > 100  # the extraction itself found the strings


def test_every_extracted_message_has_a_swedish_translation():
    catalogue = read_catalogue()
    missing = []
    for msgid, places in sorted(extracted_messages().items()):
        entry = catalogue.get(msgid)
        if entry is None:
            missing.append(f"not in messages.po: {msgid!r} ({places[0]})")
        elif entry.fuzzy:
            missing.append(f"fuzzy: {msgid!r} ({places[0]})")
        elif not all(s.strip() for s in as_tuple(entry.string)):
            missing.append(f"untranslated: {msgid!r} ({places[0]})")
    assert not missing, (
        f"{len(missing)} messages lack a Swedish translation (refresh and translate as in this "
        "module's docstring):\n" + "\n".join(missing)
    )


def test_every_translation_keeps_the_placeholders_of_its_original():
    wrong = []
    for entry in read_catalogue():
        if not entry.id or not entry.string or entry.fuzzy:
            continue  # fuzzy guesses never reach users, and the test above reports them
        originals = as_tuple(entry.id)
        for translation in as_tuple(entry.string):
            # A plural's forms may each follow either the singular or the plural original.
            if all(placeholders(translation) != placeholders(o) for o in originals):
                wrong.append(f"{entry.id!r} -> {translation!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def _untranslatable_calls_in(path: Path) -> list[str]:
    """Calls like _(f"...") or _(name): extraction cannot see them, so they stay in English."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_translated_strings_are_literals_that_extraction_can_find():
    calls = []
    for path in sorted((ROOT / "supplyapp").rglob("*.py")):
        calls += _untranslatable_calls_in(path)
    template_call = re.compile(r"\b_\(\s*(?![\"'])")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if template_call.search(line):
                calls.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert not calls, "translation calls without a string literal:\n" + "\n".join(calls)


def test_the_sign_in_page_is_in_swedish_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Logga in" in page
    assert "Användarnamn" in page
    assert "Sign in" not in page


def test_the_sign_in_page_is_in_english_after_choosing_english(client):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page
    assert "Logga in" not in page


def test_and_back_to_swedish(client):
    client.post("/language", data={"lang": "en", "next": "/login"})
    client.post("/language", data={"lang": "sv", "next": "/login"})
    assert "Logga in" in client.get("/login").get_data(as_text=True)


def _field_errors(response) -> list[str]:
    return re.findall(r'data-field-error="[^"]+">([^<]*)<', response.get_data(as_text=True))


def test_wtforms_own_messages_follow_the_language(client):
    """Flask-WTF loads WTForms' own catalogue (domain "wtforms") for flask-babel's locale."""
    swedish = client.post("/login", data={"username": "", "password": ""})
    assert swedish.status_code == 422
    assert _field_errors(swedish) == ["Det här fältet är obligatoriskt."] * 2

    client.post("/language", data={"lang": "en", "next": "/login"})
    english = client.post("/login", data={"username": "", "password": ""})
    assert _field_errors(english) == ["This field is required."] * 2


def test_a_refused_sign_in_is_explained_in_swedish(client, users):
    response = client.post("/login", data={"username": "admin", "password": "wrong-password"})
    assert "Fel användarnamn eller lösenord." in _field_errors(response)


def test_swedish_numbers_group_thousands_with_a_no_break_space(app):
    with app.test_request_context("/"):
        assert formatting.number(1234567) == "1\xa0234\xa0567"
        assert formatting.number(1234.5, decimals=1) == "1\xa0234,5"
        with force_locale("en"):
            assert formatting.number(1234567) == "1,234,567"
