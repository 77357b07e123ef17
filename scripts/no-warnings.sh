#!/usr/bin/env bash
# Fails when a build log (swift build's output) holds a warning about our own code or set-up:
# our targets build without warnings. SwiftPM's note that a dependency's checkout has a file it
# does not use (swift-distributed-tracing ships one) is about their package, not ours.
set -euo pipefail
log="${1:?usage: scripts/no-warnings.sh BUILD_LOG}"
ours=$(grep -E "warning:" "$log" | grep -vE "^warning: '[A-Za-z0-9_.-]+': found [0-9]+ file\(s\) which are unhandled" | sort -u || true)
if [ -n "$ours" ]; then
  echo "The build warned; our targets must build without warnings:" >&2
  echo "$ours" >&2
  exit 1
fi
