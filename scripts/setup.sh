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
  # The PHP apps' tests (apps/magento-module, apps/woocommerce-plugin): PHPUnit, PHP_CodeSniffer, DOM/XPath, mbstring, PDO SQLite.
  command -v phpunit >/dev/null || missing+=(phpunit)
  command -v phpcs >/dev/null || missing+=(php-codesniffer)
  php -m 2>/dev/null | grep -qx dom || missing+=(php-xml)
  php -m 2>/dev/null | grep -qx mbstring || missing+=(php-mbstring)
  php -m 2>/dev/null | grep -qx pdo_sqlite || missing+=(php-sqlite3)
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

# The browser apps the gateway serves from their builds: Commerce Studio (apps/commerce-studio/dist,
# at /studio), the BigCommerce app's admin (apps/bigcommerce-app/dist, at /bigcommerce/app) and
# the Shopify app's embedded admin (apps/shopify-app/ui/dist, at /shopify/app). Each is built here,
# and rebuilt only when one of its sources is newer than its build (a few seconds each).
build_ui() { # <name> <package> <dir> <dist> <vite config> <own sources...>
  local name=$1 pkg=$2 dir=$3 dist=$4 config=$5
  shift 5
  if [ ! -f "$dir/$dist/index.html" ] || [ -n "$(find "$@" "$dir/$config" apps/admin-kit/src core/clients/src \
    core/schema/src widgets/kit/src -newer "$dir/$dist/index.html" -print -quit)" ]; then
    echo "setup: building $name"
    pnpm --filter "$pkg" exec vite build --config "$config" --logLevel error
  fi
}
build_ui "Commerce Studio" @varai/commerce-studio apps/commerce-studio dist vite.config.ts \
  apps/commerce-studio/src apps/commerce-studio/index.html
build_ui "the BigCommerce app" @varai/bigcommerce-app apps/bigcommerce-app dist vite.config.ts apps/bigcommerce-app/web
build_ui "the Shopify app's admin" @varai/shopify-app apps/shopify-app ui/dist ui/vite.config.ts \
  apps/shopify-app/ui/src apps/shopify-app/ui/index.html

if [ $# -gt 0 ]; then exec "$@"; fi
