#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, lint, types, rubric self-tests, pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
. .venv/bin/activate
ruff check grader server tests bench
mypy
for rubric in rubrics/*.yaml; do
  python -m grader test "$rubric"
done
python -m pytest -n 2 --dist loadgroup "$@"
