#!/usr/bin/env bash
# `make bench`: load-tests a release book-server on SQLite and PostgreSQL with wrk, on loopback
# only, with bounded duration; prints a Markdown table for docs/benchmarks.md.
#
#   BENCH_BOOKS=100000 BENCH_SECONDS=10 BENCH_CONNECTIONS=16 [BENCH_BIN=path/to/book-server] scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
books="${BENCH_BOOKS:-100000}"
seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-16}"

for tool in wrk sqlite3; do
  command -v $tool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool >/dev/null; }
done
if [ -n "${BENCH_BIN:-}" ]; then
  bin="$BENCH_BIN"   # an already built release binary
else
  swift build -c release --product book-server >/dev/null
  bin="$(swift build -c release --show-bin-path)/book-server"
fi
work="$(mktemp -d /tmp/booktui-bench.XXXXXX)"
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$work"' EXIT
port=18181
secret="bench-secret-0123456789abcdef0123456789abcdef"

start() {  # DATABASE_URL
  DATABASE_URL="$1" SECRET_KEY="$secret" MAIL_DIR="$work/mail" PUBLIC_URL="http://127.0.0.1:$port" LOG_LEVEL=warning \
    "$bin" serve --hostname 127.0.0.1 --port $port >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}

stop() { kill $server; wait $server 2>/dev/null || true; server=; }

signup() {  # prints an access token for user "bench" after seeding $books books with SQL ($1 = sqlite|postgres, $2 = target)
  curl -fs -X POST "http://127.0.0.1:$port/api/register/" -H 'Content-Type: application/json' \
    -d '{"username": "bench", "email": "bench@example.org", "password": "bench-Password-2024"}' >/dev/null
  local sql="UPDATE users SET is_active = true WHERE username = 'bench';
    INSERT INTO books (user_id, title, author, published_year, is_available, isbn, search_text, created_at, updated_at)
    SELECT u.id, 'Book ' || g, 'Author ' || (g % 997), 1900 + (g % 120), (g % 3 = 0), NULL,
           lower('Book ' || g || ' Author ' || (g % 997)), now(), now()
    FROM users u, generate_series(1, $books) AS g WHERE u.username = 'bench';"
  if [ "$1" = sqlite ]; then
    # SQLite has no generate_series by default: a recursive CTE does the same.
    sqlite3 -cmd ".timeout 10000" "$2" "UPDATE users SET is_active = 1 WHERE username = 'bench';
      WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $books)
      INSERT INTO books (user_id, title, author, published_year, is_available, isbn, search_text, created_at, updated_at)
      SELECT u.id, 'Book ' || n, 'Author ' || (n % 997), 1900 + (n % 120), (n % 3 = 0), NULL,
             lower('Book ' || n || ' Author ' || (n % 997)), unixepoch(), unixepoch()
      FROM users u, g WHERE u.username = 'bench';
      ANALYZE;"
  else
    PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d "$2" -c "$sql"
    # The steady state autovacuum would reach: statistics and a visibility map for index-only scans.
    PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d "$2" -c "VACUUM ANALYZE books"
  fi
  curl -fs -X POST "http://127.0.0.1:$port/api/token/" -H 'Content-Type: application/json' \
    -d '{"username": "bench", "password": "bench-Password-2024"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])'
}

measure() {  # label path
  local out
  out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "http://127.0.0.1:$port$2")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  local rss
  rss=$(ps -o rss= -p $server | awk '{printf "%.0f", $1/1024}')
  printf '| %s | %s | `%s` | %s | %s | %s | %s MiB |\n' "$db" "$1" "$2" "$rps" "$p50" "$p99" "$rss"
}

echo "book-server $(git rev-parse --short HEAD), release build, $books books for one user, wrk -t2 -c$connections -d${seconds}s, $(nproc) cores"
echo
echo "| database | case | request | req/s | p50 | p99 | server RSS after |"
echo "|---|---|---|---|---|---|---|"
for db in sqlite postgres; do
  if [ $db = sqlite ]; then
    url="sqlite:$work/bench.sqlite"; target="$work/bench.sqlite"
  else
    name="bench_$$"; PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d postgres -c "CREATE DATABASE $name"
    url="postgres://booktest:booktest@127.0.0.1:5432/$name"; target=$name
  fi
  start "$url"
  token=$(signup $db "$target")
  measure "first page of 50" "/api/books/?page_size=50"
  measure "deep page of 50" "/api/books/?page_size=50&page=1500"
  measure "page of 500" "/api/books/?page_size=500&page=10"
  measure "search, page of 50" "/api/books/?search=author%2042&page_size=50"
  measure "sorted by title, page of 50" "/api/books/?ordering=-title&page_size=50&page=100"
  measure "one book" "/api/books/5000/"
  stop
  if [ $db = postgres ]; then PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d postgres -c "DROP DATABASE $name"; fi
done
