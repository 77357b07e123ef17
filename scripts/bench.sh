#!/usr/bin/env bash
# `make bench`: load-tests a release book-server on SQLite and PostgreSQL with wrk, on loopback
# only, each case for a bounded time, and prints a Markdown table for docs/benchmarks.md: each
# case's req/s, p50, p99 and the server's RSS, and each as a ratio to our own `/healthz` measured in
# the same run against the same server (absolute figures move with the machine's load; ratios hold).
#
#   BENCH_BOOKS=100000 BENCH_SECONDS=5 BENCH_DATABASES="sqlite postgres mariadb" [BENCH_BIN=path/to/book-server] scripts/bench.sh
#
# MariaDB: a throw-away `mariadbd --no-defaults` with its own data directory on a loopback port
# (as the tests start it; scripts/test-setup.sh installs mariadb-server), book-server on it through
# DATABASE_URL=mysql://….
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
books="${BENCH_BOOKS:-100000}"
seconds="${BENCH_SECONDS:-5}"
databases="${BENCH_DATABASES:-sqlite postgres mariadb}"

for tool in wrk sqlite3; do
  command -v $tool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $tool >/dev/null; }
done
if [ -n "${BENCH_BIN:-}" ]; then
  bin="$BENCH_BIN"   # an already built (release) binary; booktui beside it, else BENCH_BOOKTUI
else
  swift build -c release --product book-server >/dev/null
  swift build -c release --product booktui >/dev/null
  bin="$(swift build -c release --show-bin-path)/book-server"
fi
booktui="${BENCH_BOOKTUI:-$(dirname "$bin")/booktui}"
work="$(mktemp -d /tmp/booktui-bench.XXXXXX)"
trap 'kill ${server:-} ${storm:-} ${stub:-} ${mariadbd:-} 2>/dev/null || true; rm -rf "$work"' EXIT
port=18181
base="http://127.0.0.1:$port"
secret="bench-secret-0123456789abcdef0123456789abcdef"
password="bench-Password-2024"
results="$work/results.tsv"
: >"$results"

# ISBN lookups go to a local Open Library stand-in (scripts/bench/openlibrary_stub.py).
stub_port=18182
python3 scripts/bench/openlibrary_stub.py $stub_port &
stub=$!

start() {  # DATABASE_URL
  DATABASE_URL="$1" SECRET_KEY="$secret" MAIL_DIR="$work/mail" PUBLIC_URL="$base" LOG_LEVEL=warning \
    ISBN_SOURCES=openlibrary OPENLIBRARY_URL="http://127.0.0.1:$stub_port" \
    "$bin" serve --hostname 127.0.0.1 --port $port >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do curl -fs "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}

stop() { kill $server; wait $server 2>/dev/null || true; server=; }

sql() {  # runs SQL on the database under test
  case "$db" in
    sqlite) sqlite3 -cmd ".timeout 10000" "$target" "$1" ;;
    # PIPES_AS_CONCAT: `||` joins text, as in the other databases' SQL below.
    mariadb) mariadb --no-defaults --socket="$work/mysqld.sock" -uroot -N -B "$target" \
      -e "SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT'); $1" ;;
    *) PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d "$target" -c "$1" ;;
  esac
}

start_mariadb() {  # a throw-away server in $work, the account booktest over TCP
  mariadb_port=18183
  mariadb-install-db --no-defaults --datadir="$work/mysql" --user=root --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null 2>&1
  "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$work/mysql" --socket="$work/mysqld.sock" \
    --port=$mariadb_port --bind-address=127.0.0.1 --user=root --skip-name-resolve --pid-file="$work/mysqld.pid" \
    --log-error="$work/mysqld.log" --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
    --max-connections=500 --skip-ssl &
  mariadbd=$!
  for _ in $(seq 1 100); do mariadb-admin --no-defaults --socket="$work/mysqld.sock" -uroot ping >/dev/null 2>&1 && break; sleep 0.2; done
  mariadb --no-defaults --socket="$work/mysqld.sock" -uroot -e \
    "CREATE USER 'booktest'@'127.0.0.1' IDENTIFIED BY 'booktest'; GRANT ALL ON *.* TO 'booktest'@'127.0.0.1';"
}

user() {  # name books: registers, activates and seeds a user with that many books by SQL
  curl -fs -X POST "$base/api/register/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"email\": \"$1@example.org\", \"password\": \"$password\"}" >/dev/null
  if [ "$db" = mariadb ]; then
    # MariaDB's sequence engine (seq_1_to_N) stands for generate_series.
    sql "UPDATE users SET is_active = 1 WHERE username = '$1'"
    # The owner's id first: the book-count triggers write `users`, which MySQL will not let an
    # INSERT … SELECT read from at the same time (error 1442).
    [ "$2" -gt 0 ] && sql "SET @owner = (SELECT id FROM users WHERE username = '$1');
      INSERT INTO books (user_id, title, author, published_year, is_available, isbn, search_text, created_at, updated_at)
      SELECT @owner, CONCAT('Book ', s.seq), CONCAT('Author ', s.seq % 997), 1900 + (s.seq % 120), (s.seq % 3 = 0), NULL,
             LOWER(CONCAT('Book ', s.seq, CHAR(31 USING utf8mb4), 'Author ', s.seq % 997, CHAR(31 USING utf8mb4), CHAR(31 USING utf8mb4))),
             UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
      FROM seq_1_to_$2 s"
    sql "ANALYZE TABLE books" >/dev/null
  elif [ "$db" = sqlite ]; then
    # SQLite has no generate_series by default: a recursive CTE does the same.
    sql "UPDATE users SET is_active = 1 WHERE username = '$1';
      WITH RECURSIVE g(n) AS (SELECT 1 WHERE $2 > 0 UNION ALL SELECT n + 1 FROM g WHERE n < $2)
      INSERT INTO books (user_id, title, author, published_year, is_available, isbn, search_text, created_at, updated_at)
      SELECT u.id, 'Book ' || n, 'Author ' || (n % 997), 1900 + (n % 120), (n % 3 = 0), NULL,
             lower('Book ' || n || char(31) || 'Author ' || (n % 997) || char(31) || char(31)), unixepoch(), unixepoch()
      FROM users u, g WHERE u.username = '$1';
      ANALYZE;"
  else
    sql "UPDATE users SET is_active = true WHERE username = '$1';
      INSERT INTO books (user_id, title, author, published_year, is_available, isbn, search_text, created_at, updated_at)
      SELECT u.id, 'Book ' || g, 'Author ' || (g % 997), 1900 + (g % 120), (g % 3 = 0), NULL,
             lower('Book ' || g || chr(31) || 'Author ' || (g % 997) || chr(31) || chr(31)), now(), now()
      FROM users u, generate_series(1, $2) AS g WHERE u.username = '$1';"
    # The steady state autovacuum would reach: statistics and a visibility map for index-only scans.
    sql "VACUUM ANALYZE books"
  fi
}

token() {  # name: an access token
  curl -fs -X POST "$base/api/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access"])'
}

rss() { ps -o rss= -p $server | awk '{printf "%.0f", $1/1024}'; }

record() {  # label connections path wrk-output [note]
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$4")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$4")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$4")
  local errors
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$4")
  local note="${5:-}"
  [ -n "$errors" ] && note="${note:+$note; }$errors non-2xx"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$1" "$2" "$3" "$rps" "$p50" "$p99" "$(rss)" "$note" >>"$results"
}

measure() {  # label connections token path [wrk options...]
  local label=$1 connections=$2 bearer=$3 path=$4
  shift 4
  record "$label" "$connections" "$path" \
    "$(wrk -t$((connections < 2 ? 1 : 2)) -c"$connections" -d"${seconds}s" --timeout 10s --latency -H "Authorization: Bearer $bearer" "$@" "$base$path")"
}

# The file `booktui import` reads in the import case: 10,000 books, each with an ISBN-less title.
python3 -c '
import csv, sys
w = csv.writer(open(sys.argv[1], "w", newline="", encoding="utf-8"))
w.writerow(["title", "author", "published_year", "publisher", "pages", "notes"])
for i in range(10000):
    w.writerow([f"Imported {i:05d}", f"Writer {i % 500}", 1900 + i % 120, "Bench Press", 100 + i % 900, f"note {i}"])
' "$work/import.csv"

for db in $databases; do
  if [ $db = sqlite ]; then
    url="sqlite:$work/bench.sqlite"; target="$work/bench.sqlite"
  elif [ $db = mariadb ]; then
    [ -n "${mariadbd:-}" ] || start_mariadb
    target="bench_$$"
    mariadb --no-defaults --socket="$work/mysqld.sock" -uroot -e "CREATE DATABASE $target CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
    url="mysql://booktest:booktest@127.0.0.1:$mariadb_port/$target"
  else
    name="bench_$$"; PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d postgres -c "CREATE DATABASE $name"
    url="postgres://booktest:booktest@127.0.0.1:5432/$name"; target=$name
  fi
  start "$url"
  user many "$books"; user fifty 50; user tenk 10000; user writer 0; user storm 0
  many=$(token many); fifty=$(token fifty); tenk=$(token tenk); writer=$(token writer)
  # 60 more accounts with storm's password (copied by SQL: 60 registrations would hash 60 times),
  # so the login storm below meets the hashing bound, not the per-user failed-login limit.
  sql "INSERT INTO users (username, email, first_name, last_name, password_hash, is_active, auth_source, token_key, date_joined)
    SELECT 'storm' || g.n, 'storm' || g.n || '@example.org', '', '', password_hash, is_active, auth_source, token_key, date_joined
    FROM users, (SELECT 1 AS n$(for i in $(seq 2 60); do printf ' UNION ALL SELECT %d' $i; done)) AS g WHERE username = 'storm'"
  one=$(sql "SELECT b.id FROM books b JOIN users u ON u.id = b.user_id WHERE u.username = 'many' ORDER BY b.id LIMIT 1 OFFSET $((books / 20))" | grep -Eo '[0-9]+' | head -1)

  measure "/healthz (the ceiling)" 32 x /healthz
  measure "list of 50 books" 32 "$fifty" /api/books/
  measure "profile" 32 "$fifty" /api/profile/
  measure "one book" 32 "$many" "/api/books/$one/"
  measure "first page of 50 of $books" 32 "$many" "/api/books/?page_size=50"
  measure "deep page of 50 of $books" 32 "$many" "/api/books/?page_size=50&page=1500"
  measure "sorted by title, page of 50 of $books" 32 "$many" "/api/books/?ordering=-title&page_size=50&page=100"
  measure "search over $books, page of 50" 32 "$many" "/api/books/?search=author%2042&page_size=50"
  measure "10,000 books unpaged" 8 "$tenk" /api/books/
  measure "POST a book" 16 "$writer" /api/books/ -s scripts/bench/post-book.lua
  # A lookup asked before: answered from the isbn_lookups cache (target p99 under 20 ms).
  curl -fs "$base/api/lookup/isbn/9780441172719/" -H "Authorization: Bearer $fifty" >/dev/null
  measure "cached ISBN lookup" 32 "$fifty" /api/lookup/isbn/9780441172719/
  measure "cached ISBN lookup, one scanner" 1 "$fifty" /api/lookup/isbn/9780441172719/
  # Scan mode's work per book, one after another: duplicate check, lookup (cache miss), save.
  user scanner 0
  read -r scanned scan_mean scan_p99 < <(python3 scripts/bench/scan_loop.py "$base" "$(token scanner)" 200)
  printf '%s\t%s\t%s\t%s\n' "$db" "$scanned" "$scan_mean" "$scan_p99" >>"$work/scan.tsv"
  # `booktui import` of 10,000 books from a CSV file: 20 bulk requests of 500, each one transaction.
  user importer 0
  import_config="$work/booktui-$db"
  mkdir -p "$import_config"
  echo "$password" | HOME="$work" XDG_CONFIG_HOME="$import_config" "$booktui" login --server "$base" --username importer >/dev/null
  import_start=$(date +%s.%N)
  HOME="$work" XDG_CONFIG_HOME="$import_config" "$booktui" import --server "$base" "$work/import.csv" >"$work/import.out"
  import_end=$(date +%s.%N)
  grep -q "added:  10000" "$work/import.out" || { echo "import did not add 10,000 books" >&2; cat "$work/import.out" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$db" "$import_start" "$import_end" >>"$work/import.tsv"
  # 60 parallel logins of 60 users (bcrypt at the default cost) while another user lists 50 books.
  BENCH_LOGIN_USERS=60 BENCH_LOGIN_PASSWORD=$password \
    wrk -t2 -c60 -d"${seconds}s" --timeout 10s -s scripts/bench/login.lua "$base/api/token/" >"$work/storm.txt" 2>&1 &
  storm=$!
  sleep 0.5
  listing=$(wrk -t1 -c4 -d"$((seconds - 1))s" --timeout 10s --latency -H "Authorization: Bearer $fifty" "$base/api/books/")
  wait $storm || true; storm=
  logins=$(awk '/^statuses/ {$1 = ""; print substr($0, 2)}' "$work/storm.txt")
  record "list of 50 during 60 parallel logins" 4 /api/books/ "$listing" "logins: $logins"
  stop
  if [ $db = postgres ]; then PGPASSWORD=booktest psql -q -h 127.0.0.1 -U booktest -d postgres -c "DROP DATABASE $name"; fi
done

echo "book-server $(git rev-parse --short HEAD), $(basename "$(dirname "$bin")") build, wrk -t2 -d${seconds}s on loopback, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg) at the end"
echo
python3 - "$results" <<'PY'
import sys

def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float("nan")

rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print("| database | case | request | c | req/s | p50 | p99 | RSS | req/s ÷ healthz | p50 ÷ healthz | p99 ÷ healthz | RSS ÷ healthz | notes |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
ceiling = {}
for db, label, c, path, rps, p50, p99, rss, note in rows:
    if path == "/healthz":
        ceiling[db] = (float(rps), ms(p50), ms(p99), float(rss))
    h = ceiling[db]
    ratios = (float(rps) / h[0], ms(p50) / h[1], ms(p99) / h[2], float(rss) / h[3])
    print(f"| {db} | {label} | `{path}` | {c} | {float(rps):,.0f} | {ms(p50):.2f} ms | {ms(p99):.2f} ms | {rss} MiB | "
          f"{ratios[0]:.1%} | {ratios[1]:.1f}× | {ratios[2]:.1f}× | {ratios[3]:.2f}× | {note} |")
PY
echo
echo "| database | scan mode, per book (duplicate check + lookup + save, one client) | mean | p99 |"
echo "|---|---|---|---|"
while IFS=$'\t' read -r d n mean p99; do echo "| $d | $n books in a row | $mean ms | $p99 ms |"; done <"$work/scan.tsv"
echo
echo "| database | booktui import of 10,000 books (CSV, 20 bulk requests) | time | rate |"
echo "|---|---|---|---|"
while IFS=$'\t' read -r d t0 t1; do
  python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]); print(f'| {sys.argv[3]} | 10,000 books into an empty account | {s:.2f} s | {10000 / s:,.0f} books/s |')" "$t0" "$t1" "$d"
done <"$work/import.tsv"
