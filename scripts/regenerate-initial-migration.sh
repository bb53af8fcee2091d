#!/usr/bin/env bash
# Until the first release, the schema is one initial migration, regenerated from the models.
# After a release, add migrations with `flask db migrate -m "..."` instead and never run this.
set -euo pipefail
cd "$(dirname "$0")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
rm -f migrations/versions/*.py
export FLASK_APP=wsgi.py DATABASE_URL="sqlite:///$TMP/empty.sqlite"
.venv/bin/flask db upgrade >/dev/null 2>&1
.venv/bin/flask db migrate -m "initial schema" 2>&1 | grep -E "Generating|Detected added table"
