#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 for the virtualenv: scripts/find-python.sh UV
#   1. $PYTHON when set (and refused when older than 3.12);
#   2. the first of python3.13, python3.12, pyenv's 3.13/3.12, python3 (override the list with
#      IRPATROL_PYTHON_CANDIDATES, space-separated);
#   3. a Python that uv installed earlier;
#   4. otherwise uv installs CPython 3.12 (`uv python install 3.12`), saying so in one line.
# Messages go to stderr; stdout carries only the path.
set -uo pipefail
uv=${1:?usage: find-python.sh UV}
recent() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
  if recent "$PYTHON"; then command -v "$PYTHON"; exit 0; fi
  echo "make: PYTHON=$PYTHON is not a Python >= 3.12" >&2
  exit 1
fi
default="python3.13 python3.12 $HOME/.pyenv/versions/3.13*/bin/python3 $HOME/.pyenv/versions/3.12*/bin/python3 python3"
for p in ${IRPATROL_PYTHON_CANDIDATES-$default}; do
  if command -v "$p" >/dev/null 2>&1 && recent "$p"; then command -v "$p"; exit 0; fi
done
if found=$("$uv" python find --managed-python '>=3.12' 2>/dev/null); then
  echo "$found"
  exit 0
fi
echo "make: no Python >= 3.12 on this machine; installing CPython 3.12 with uv (uv python install 3.12)" >&2
if "$uv" python install 3.12 >&2 && found=$("$uv" python find --managed-python '>=3.12' 2>/dev/null); then
  echo "$found"
  exit 0
fi
cat >&2 <<'MSG'
make: could not install Python 3.12 with uv (no network to uv's Python builds?). Two ways out:
  1. install Python >= 3.12 yourself (Debian 13: apt-get install python3; pyenv: pyenv install 3.12), then run make again;
  2. point make at one you have: make install PYTHON=/path/to/python3.12
MSG
exit 1
