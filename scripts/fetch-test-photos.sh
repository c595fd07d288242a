#!/usr/bin/env bash
# Real photos for tests, from Debian's python3-skimage (astronaut.png: NASA, public domain;
# camera.png: the cameraman, a face turned away, for the withheld-measurement tests).
# Extracted without installing the package; never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=test-artifacts/photos
[ -f "$dest/astronaut.png" ] && [ -f "$dest/camera.png" ] && exit 0
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && apt-get download python3-skimage >/dev/null 2>&1 ) || {
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && (cd "$work" && apt-get download python3-skimage >/dev/null); else
    (cd "$work" && sudo apt-get update -qq && apt-get download python3-skimage >/dev/null); fi
}
dpkg -x "$work"/python3-skimage_*.deb "$work/x"
for f in astronaut.png camera.png; do
  find "$work/x" -name "$f" -exec cp {} "$dest/$f" \;
done
ls "$dest"
