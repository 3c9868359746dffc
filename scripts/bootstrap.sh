#!/usr/bin/env bash
# Create .venv (if needed) and install the pinned dependencies into it:
# requirements-dev.txt (default) or the file given, e.g. requirements.txt.
# Used by scripts/serve.sh and scripts/test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
req=${1:-requirements-dev.txt}
stamp=.venv/.installed-$req
inputs=(requirements.txt "$req")
[ -f requirements.lock ] && inputs+=(requirements.lock)
want=$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  constraints=()
  [ -f requirements.lock ] && constraints=(-c requirements.lock)
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "${constraints[@]}" -r "$req"
  echo "$want" > "$stamp"
fi
