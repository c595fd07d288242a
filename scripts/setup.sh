#!/usr/bin/env bash
# One set-up for a fresh Debian machine with only an older Node and npm.
#   bash scripts/setup.sh run  [command...]   what the server needs (Node 24, pnpm, node_modules)
#   bash scripts/setup.sh test [command...]   also what the tests need (redis-server, chromium,
#                                             php-cli, phpunit, phpcs, ffmpeg, test photos)
# then runs the command, if one is given, on Node 24 (scripts/node24.sh): `npm run demo` is
# started by the machine's Node, and this is where everything after it moves to Node 24.
# Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
shift || true
PNPM_VERSION=12.21.0

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup: need root (or sudo) to run: $*" >&2; return 1; fi
}

if ! command -v pnpm >/dev/null; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || as_root npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ "$mode" = test ]; then
  missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v php >/dev/null || missing+=(php-cli)
  command -v phpunit >/dev/null || missing+=(phpunit)
  command -v phpcs >/dev/null || missing+=(php-codesniffer)
  php -m 2>/dev/null | grep -qx dom || missing+=(php-xml)
  php -m 2>/dev/null | grep -qx mbstring || missing+=(php-mbstring)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  bash scripts/fetch-test-photos.sh
fi

# From here on, Node 24 is first on PATH (installed into .cache/node24 if the machine lacks it).
source scripts/node24.sh

# CI and a clean clone must get exactly the locked versions.
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE '^(Progress|Downloading)' | tail -5

# Commerce Studio is served by the gateway from its build (apps/commerce-studio/dist): built here,
# and rebuilt only when one of its sources is newer than the build (about 5 s).
studio=apps/commerce-studio
if [ ! -f "$studio/dist/index.html" ] || [ -n "$(find "$studio/src" "$studio/index.html" "$studio/vite.config.ts" \
  apps/admin-kit/src core/clients/src core/schema/src widgets/kit/src -newer "$studio/dist/index.html" -print -quit)" ]; then
  echo "setup: building Commerce Studio"
  pnpm --filter @varai/commerce-studio exec vite build --logLevel error
fi

if [ $# -gt 0 ]; then exec "$@"; fi
