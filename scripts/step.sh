#!/usr/bin/env bash
# Runs one install step and says what it is and how long it took:
#   scripts/step.sh "what the step does" command [args…]
# The command's own output (progress bars included) goes through unchanged.
set -uo pipefail
label=$1
shift
start=$(date +%s.%N)
printf '==> %s\n' "$label"
"$@"
rc=$?
end=$(date +%s.%N)
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
if [ "$rc" -eq 0 ]; then
  printf '    %s: done in %s s\n' "$label" "$secs"
else
  printf '    %s: FAILED after %s s (exit %d)\n' "$label" "$secs" "$rc" >&2
fi
exit "$rc"
