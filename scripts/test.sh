#!/usr/bin/env bash
# The whole suite. Under CI=true the PostgreSQL tests are required (they fail, not skip, when
# the server is unreachable) and the sample images must be present.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CI:-}" = "true" ] && [ -z "${IRPATROL_TEST_POSTGRES_URL:-}" ]; then
  export IRPATROL_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
fi
.venv/bin/ruff check --quiet src tests bench
.venv/bin/mypy --no-error-summary
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
