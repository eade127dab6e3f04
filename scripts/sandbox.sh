#!/usr/bin/env bash
# The README's first command: set up a virtualenv with the project and try the bot offline.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=${CCHC_VENV:-.venv}
if [ ! -x "$VENV/bin/cchc-bot" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
fi
if "$VENV/bin/cchc-bot" --help | grep -q "sandbox"; then
  exec "$VENV/bin/cchc-bot" sandbox "$@"
fi
# Until the sandbox lands: show the bundled configuration and this year's calendar.
"$VENV/bin/cchc-bot" check-config
exec "$VENV/bin/cchc-bot" calendar "$@"
