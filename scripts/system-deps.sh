#!/usr/bin/env bash
# Installs the Debian packages irpatrol needs beyond Python: CJK fonts for PDF reports, Pango for
# WeasyPrint (which lays out and embeds those fonts), and Chromium for the browser tests.
# Idempotent: does nothing when everything is present.
set -euo pipefail
need=()
for pkg in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
