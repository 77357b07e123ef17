#!/usr/bin/env bash
# make lint (and so make test and CI): the Swift code is formatted as .swift-format says, and the
# targets keep their layers. Every failure is reported, naming file:line, before it exits non-zero.
#
#   1. `swift format lint --strict` over Sources, Tests and Package.swift: `make format` fixes
#      almost everything it reports (what it cannot fix, it names with the rule's name).
#   2. Import rules, read from the `import` lines themselves (attributes such as @testable,
#      @preconcurrency or @_exported, access levels, and `import struct X.Y` forms included):
#      - only Sources/BookTUI/Driver/ imports CNcurses: the screens draw on the Surface protocol,
#        so they run (and are tested) without curses;
#      - Sources/BookClient imports no curses or terminal C module, nothing of the server side
#        (Vapor, Fluent, the SQL and NIO stacks, BookServer) and not BookTUI: it is a library for
#        any client;
#      - Sources/BookModel, the plain Swift shared by server and client, imports Foundation only;
#      - Sources/BookServer imports neither BookTUI, BookClient nor CNcurses.
# Usage: scripts/lint.sh [ROOT]   (ROOT defaults to the repository; the rules' own tests use a copy)
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
export PATH="/opt/swift/usr/bin:$PATH"

status=0

# 1. Formatting. Recursion picks up .swift files only, so Tests' Python suites and data are skipped.
parallel=()
if swift format lint --help 2>/dev/null | grep -q -- '--parallel'; then parallel=(--parallel); fi
if ! swift format lint --strict --recursive "${parallel[@]}" Sources Tests Package.swift; then
  echo "lint: swift format lint found the problems above; \`make format\` fixes those it can." >&2
  status=1
fi

# 2. Imports. Prints "file<TAB>line<TAB>Module<TAB>statement" for every module imported by the .swift
# files under $1.
imports() {
  [ -d "$1" ] || return 0
  find "$1" -name '*.swift' -print0 | sort -z | xargs -0 -r awk '
    {
      line = $0
      # A line comment is not code. (Block comments and multi-line strings are not parsed: a line in
      # one that reads like an import counts as one, which errs on the side of a visible failure.)
      sub(/\/\/.*/, "", line)
      n = split(line, parts, ";")
      for (i = 1; i <= n; i++) {
        s = parts[i]
        sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s)
        statement = s
        # Attributes (@testable, @preconcurrency, @_exported, @_spi(X), ...) and access levels.
        attribute = "^@[A-Za-z_][A-Za-z0-9_]*(\\([^)]*\\))?[ \t]+"
        access = "^(public|package|internal|fileprivate|private|open)[ \t]+"
        while (match(s, attribute) || match(s, access))
          s = substr(s, RLENGTH + 1)
        if (!match(s, /^import[ \t]+/)) continue
        s = substr(s, RLENGTH + 1)
        # import struct Module.Type, import func Module.name, ...
        if (match(s, /^(typealias|struct|class|enum|protocol|let|var|func)[ \t]+/))
          s = substr(s, RLENGTH + 1)
        if (match(s, /^[A-Za-z_][A-Za-z0-9_]*/))
          print FILENAME "\t" FNR "\t" substr(s, 1, RLENGTH) "\t" statement
      }
    }'
}

# rule DESCRIPTION DIR FORBIDDEN [EXCEPT_MODULES] [EXCEPT_FILES]: every import, in a .swift file under
# DIR, of a module whose whole name matches the extended regex FORBIDDEN (and not EXCEPT_MODULES) is
# a failure, unless the file's path matches EXCEPT_FILES.
rule() {
  local what=$1 dir=$2 forbidden=$3 except_modules=${4:-} except_files=${5:-} found
  found=$(imports "$dir" |
    awk -F '\t' -v f="^($forbidden)\$" -v km="^($except_modules)\$" -v kf="$except_files" '
    $3 ~ f && $3 !~ km && (kf == "" || $1 !~ kf) { print "  " $1 ":" $2 ": " $4 }')
  if [ -n "$found" ]; then
    echo "lint: $what:" >&2
    echo "$found" >&2
    status=1
  fi
}

# The terminal's C modules, and the server side: its targets and the Vapor, Fluent, SQL and NIO stacks.
terminal='CNcurses|CWidth|CQRencode|BookTUI'
server='BookServer|MariaDBKit|CYaz|CMariaDB|Vapor.*|Fluent.*|SQLKit|SQLite.*|Postgres.*|MySQL.*|NIO.*|JWTKit'

rule "only Sources/BookTUI/Driver/ may import CNcurses" \
  Sources 'CNcurses' '' '^Sources/BookTUI/Driver/'
rule "Sources/BookClient must not import curses or terminal C modules, server-side modules or BookTUI" \
  Sources/BookClient "$terminal|$server"
rule "Sources/BookModel (plain Swift shared by server and client) may import Foundation only" \
  Sources/BookModel '.*' 'Foundation'
rule "Sources/BookServer must not import BookTUI, BookClient or CNcurses" \
  Sources/BookServer 'BookTUI|BookClient|CNcurses'
rule "Sources/MariaDBKit (the database driver) must not import the server, Vapor or the client" \
  Sources/MariaDBKit 'BookServer|BookModel|BookTUI|BookClient|Vapor.*|CNcurses'

exit $status
