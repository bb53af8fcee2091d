"""Fill empty Swedish translations from a JSON file {msgid: msgstr}; list what is still empty.

.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy -o /tmp/messages.pot .
.venv/bin/pybabel update -i /tmp/messages.pot -d translations --no-fuzzy-matching
.venv/bin/python scripts/fill_translations.py new-strings.json
.venv/bin/pybabel update -i /tmp/messages.pot -d translations --no-fuzzy-matching \
    --ignore-obsolete  # rewrap, drop what no code uses
"""

import json
import sys

from babel.messages.pofile import read_po, write_po

path = "translations/sv/LC_MESSAGES/messages.po"
with open(path, "rb") as f:
    catalog = read_po(f, locale="sv")
table = json.load(open(sys.argv[1])) if len(sys.argv) > 1 else {}
for message in catalog:
    if not message.id:
        continue
    key = message.id if isinstance(message.id, str) else message.id[0]
    if key in table and not (
        message.string if isinstance(message.string, str) else message.string[0]
    ):
        message.string = table[key]
with open(path, "wb") as f:
    write_po(f, catalog, width=100)
for message in catalog:
    if message.id and not (
        message.string if isinstance(message.string, str) else all(message.string)
    ):
        print("EMPTY:", message.id)
