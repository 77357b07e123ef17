#!/usr/bin/env bash
# `make run`: start book-server on SQLite with the local mailbox under ./data, then open booktui
# against it; the server stops when booktui exits. `--server-only` keeps the server in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"
bin="$(swift build --show-bin-path)"
mkdir -p data
export DATABASE_URL="${DATABASE_URL:-sqlite:data/book-server.sqlite}"
export MAIL_DIR="${MAIL_DIR:-data/mail}"
export PUBLIC_URL="${PUBLIC_URL:-http://127.0.0.1:$port}"

echo "book-server: $PUBLIC_URL, database $DATABASE_URL, mailbox $MAIL_DIR/ (activation and reset mails land there as .eml files)"
if [ "${1:-}" = "--server-only" ] || [ ! -x "$bin/booktui" ]; then
  exec "$bin/book-server" serve --hostname 127.0.0.1 --port "$port"
fi

"$bin/book-server" serve --hostname 127.0.0.1 --port "$port" >data/server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM HUP
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { echo "book-server did not start; see data/server.log" >&2; tail -20 data/server.log >&2; exit 1; }
  sleep 0.1
done
"$bin/booktui" --server "http://127.0.0.1:$port"
