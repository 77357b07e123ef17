#!/usr/bin/env bash
# Installs and starts what the test suite needs, idempotently: Debian packages, a Python virtual
# environment with the test tools, and a running PostgreSQL with a test role. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# libyaz-dev: book-server's ISBN lookup links YAZ; yaz and idzebra-2.0 (with its MARC filter): the
# Zebra catalogue server the lookup tests search over Z39.50 and SRU. libqrencode-dev: booktui's QR
# codes; zbar-tools: the QR reader (zbarimg) the tests scan them with, as a phone would. glewlwyd:
# the real OpenID provider Tests/oidc/test_glewlwyd.py signs in at (its own process, on loopback).
# libmariadb-dev: book-server's import from a seed's MySQL database; mariadb-server: the real server
# Tests/api/test_import_django.py starts with its own data directory (not the system's service).
for pkg in tmux postgresql libncursesw5-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev python3-venv locales man-db groff-base \
           libyaz-dev yaz idzebra-2.0 libidzebra-2.0-mod-grs-marc libqrencode-dev zbar-tools glewlwyd \
           libmariadb-dev mariadb-server; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "test-setup: installing ${need[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Compose's own parser for Tests/deploy (`docker-compose config` needs no engine). Without its
# recommended docker.io: no container engine is wanted or can run here.
if ! dpkg-query -W -f='${Status}' docker-compose 2>/dev/null | grep -q "install ok installed"; then
  echo "test-setup: installing docker-compose"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi

# LibreOffice's spreadsheet without a GUI: the import/export tests open our CSV export in it
# (`soffice --headless --convert-to xlsx`). Without recommends it installs in well under a minute.
if ! dpkg-query -W -f='${Status}' libreoffice-calc-nogui 2>/dev/null | grep -q "install ok installed"; then
  echo "test-setup: installing libreoffice-calc-nogui"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
fi

# Python tools for the black-box tests (SMTP server, OpenID provider, pytest).
if [ ! -x .venv/bin/pytest ] || [ Tests/requirements.txt -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r Tests/requirements.txt
  touch .venv/.installed
fi

# PostgreSQL: started here, with a role the tests use to create and drop their own databases.
if ! pg_lsclusters -h 2>/dev/null | awk '$4 == "online"' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect 15 main start
fi
for _ in $(seq 1 30); do
  runuser -u postgres -- pg_isready -q -h 127.0.0.1 && break
  sleep 1
done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'booktest') THEN
    CREATE ROLE booktest LOGIN CREATEDB PASSWORD 'booktest';
  END IF;
END $$;
SQL
echo "test-setup: ready (PostgreSQL on 127.0.0.1:5432, venv in .venv)"
