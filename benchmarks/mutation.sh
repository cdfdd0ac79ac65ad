#!/usr/bin/env bash
# Mutation testing of the modules whose words and numbers users read (benchmarks/mutation.py
# says how). A developer habit, outside CI: about 26 minutes on the 2-core machine (the README
# says where the time goes).
#
#   bash benchmarks/mutation.sh [--only naming insight ...] [--workers 2] [--keep]
#
# Needs mutmut in the project's environment (it installs nothing itself):
#   .venv/bin/pip install ".[mutation]"
# PYTHON=/path/to/python picks another environment than .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
if [ ! -x "$PYTHON" ]; then
  echo "mutation: no Python at $PYTHON. Make the environment first:" >&2
  echo "    python3 -m venv .venv && .venv/bin/pip install \".[test,mutation]\"" >&2
  echo "or name another one: PYTHON=/path/to/python bash benchmarks/mutation.sh" >&2
  exit 2
fi
if ! "$PYTHON" -c "import mutmut" 2>/dev/null; then
  echo "mutation: mutmut is not installed for $PYTHON. Install it (a developer tool, not a" >&2
  echo "dependency of the app) with:" >&2
  echo "    $PYTHON -m pip install \".[mutation]\"" >&2
  exit 2
fi
exec "$PYTHON" benchmarks/mutation.py "$@"
