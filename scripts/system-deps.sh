#!/usr/bin/env bash
# Debian packages the test suite and benchmarks use: headless Chromium + its driver for the
# browser tests, wrk for the HTTP benchmark. Installs only what is missing; needs root and apt.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# Without a CJK font headless Chromium draws the Chinese storefront as empty boxes.
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${missing[*]}; install them with apt-get as root." \
       "Browser tests are skipped without them (and fail under REQUIRE_BROWSER=1)." >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
