#!/usr/bin/env bash
# Runs every test. Installs what the tests need (Debian's redis-server), starts a real redis-server on 127.0.0.1
# for the tests that use an external Redis, then runs `dotnet test` and prints "N passed, N failed".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

"$here/scripts/install-test-deps.sh" || { echo "test.sh: could not install test dependencies" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 6399)
redis_dir=$(mktemp -d)
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$redis_dir" --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log"
cleanup() { [ -f "$redis_dir/redis.pid" ] && kill "$(cat "$redis_dir/redis.pid")" 2>/dev/null; rm -rf "$redis_dir"; }
trap cleanup EXIT
for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export DISCERNUS_TEST_REDIS_URL="redis://127.0.0.1:$port"

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
