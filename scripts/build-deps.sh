#!/usr/bin/env bash
# The C libraries the build links, installed when missing (Debian): ncursesw and libqrencode for booktui, and YAZ
# (libyaz-dev) for book-server's ISBN lookup in library catalogues, MariaDB Connector/C (libmariadb-dev)
# for its import from a seed's MySQL database. Safe to run twice.
set -euo pipefail
need=()
for pkg in libncursesw5-dev libyaz-dev libqrencode-dev libmariadb-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "build-deps: install ${need[*]} (or your system's ncursesw and YAZ development packages)" >&2; exit 1; }
echo "build-deps: installing ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
