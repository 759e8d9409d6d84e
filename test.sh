#!/usr/bin/env bash
# Runs every test. Installs what the tests need (Debian's redis-server and s3rver from npm into .tools/s3rver; the
# tests start them themselves on free 127.0.0.1 ports, one per test class), checks formatting, then runs
# `dotnet test` and prints "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

"$here/scripts/install-test-deps.sh" || { echo "test.sh: could not install test dependencies" >&2; exit 1; }

# Formatting is part of the contract: a change that `dotnet format` would rewrite fails here, before the tests.
if ! dotnet format whitespace "$here/Discernus.sln" --verify-no-changes; then
  echo "test.sh: run 'dotnet format whitespace Discernus.sln' to fix the formatting above" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

log=$(mktemp)
dotnet test "$here/Discernus.sln" -c Debug --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet test prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12"
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
