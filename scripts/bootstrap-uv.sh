#!/usr/bin/env bash
# Installs the pinned installer (uv, requirements/bootstrap.txt, hashes checked) into DIR with the
# pip of any Python 3 on the machine:  scripts/bootstrap-uv.sh DIR
# On Debian, where python3 comes without the venv module, python3-venv is installed first.
set -euo pipefail
dir=${1:-.tools}
cd "$(dirname "$0")/.."
py=$(command -v python3 || true)
if [ -z "$py" ]; then
  echo "make: no python3 on this machine to bootstrap the installer with; install Python 3 (apt-get install python3 python3-venv) and run make again" >&2
  exit 1
fi
if ! "$py" -m venv --clear "$dir" >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "make: $py has no venv module; installing Debian's python3-venv" >&2
    if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv
    "$py" -m venv --clear "$dir"
  else
    echo "make: $py cannot create a virtualenv (python3 -m venv failed); install the venv module and run make again" >&2
    exit 1
  fi
fi
"$dir/bin/python" -m pip install --disable-pip-version-check --no-deps --require-hashes \
  -r requirements/bootstrap.txt
"$dir/bin/uv" --version
