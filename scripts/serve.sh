#!/usr/bin/env bash
# One command for the embedded mode: install, migrate, load the seed rubrics, serve.
#   bash scripts/serve.sh        -> http://127.0.0.1:8000  (Swagger UI at /api/docs/)
# With no DATABASE_URL/REDIS_URL: SQLite in var/ and grading in the web process.
# HOST, PORT and WEB_WORKERS change where and how it listens; PYTHON picks the interpreter for a new .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh requirements.txt
. .venv/bin/activate

python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
python manage.py seed_demo

echo "serving at http://${HOST:-127.0.0.1}:${PORT:-8000}  (Ctrl-C stops)"
# Grading runs inside requests in this mode, so a large bulk upload needs a long timeout.
exec gunicorn server.wsgi:application --bind "${HOST:-127.0.0.1}:${PORT:-8000}" \
    --workers "${WEB_WORKERS:-2}" --timeout 600 --access-logfile -
