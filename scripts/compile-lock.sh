#!/usr/bin/env bash
# Compiles a locked requirements file and replaces OUT only when its content changes, so that an
# unchanged lock does not make the next `make install` redo its work:
#   scripts/compile-lock.sh UV OUT [uv pip compile arguments…]
set -euo pipefail
uv=$1 out=$2
shift 2
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
[ -f "$out" ] && cp "$out" "$tmp"  # uv keeps the pins already in the output file
"$uv" pip compile --quiet --universal --generate-hashes --python-version 3.12 \
  --custom-compile-command "make lock" "$@" -o "$tmp"
if cmp -s "$tmp" "$out"; then
  echo "    $out: unchanged"
else
  mv "$tmp" "$out"
  echo "    $out: written"
fi
