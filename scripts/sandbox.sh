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
# The real bot against the local Telegram server, with a terminal chat; arguments such as
# --now 2024-03-05T08:00 or --script scripts/demo.txt pass through.
exec "$VENV/bin/cchc-bot" sandbox "$@"
