#!/usr/bin/env bash
# A Discernus cluster on this machine, as it would run across machines: a redis-server for coordination, an S3 server
# (s3rver) for the artifacts, and three `discernus worker` processes; a `discernus run --no-local-workers` of an example
# experiment goes through them. Prints which worker analysed each document, verifies the run folder, stops everything it
# started (also on Ctrl-C or failure) and exits 0 only when the run completed and verified.
# Usage: scripts/cluster-demo.sh [experiment]   (default: projects/political_rhetoric; copied, never modified)
#        KEEP=1 scripts/cluster-demo.sh          keeps the temporary folder (logs, run folder) for inspection
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_experiment="${1:-$root/projects/political_rhetoric}"
workers=3

"$root/scripts/install-test-deps.sh" >&2
"$root/discernus" --version >/dev/null   # builds the CLI once, before anything is timed or started

work="$(mktemp -d -t discernus-cluster-XXXXXX)"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP:-}" = "1" ]; then echo "kept: $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap cleanup EXIT INT TERM

free_port() { # a loopback port nothing listens on
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

wait_for() { # description, command...: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "cluster-demo: $what did not come up" >&2
  return 1
}

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
wait_for "redis-server on 127.0.0.1:$redis_port" redis-cli -p "$redis_port" ping

s3_port=$(free_port)
mkdir -p "$work/s3"
node "$root/.tools/s3rver/node_modules/s3rver/bin/s3rver.js" --directory "$work/s3" --address 127.0.0.1 --port "$s3_port" --no-vhost-buckets --silent >"$work/s3rver.log" 2>&1 &
pids+=($!)
wait_for "s3rver on 127.0.0.1:$s3_port" bash -c "exec 3<>/dev/tcp/127.0.0.1/$s3_port"

export DISCERNUS_REDIS_URL="redis://127.0.0.1:$redis_port"
export DISCERNUS_REDIS_PREFIX="cluster-demo:"
export DISCERNUS_ARTIFACT_STORE=s3
export DISCERNUS_S3_ENDPOINT="http://127.0.0.1:$s3_port"
export DISCERNUS_S3_BUCKET=discernus-demo
export DISCERNUS_S3_ACCESS_KEY=S3RVER
export DISCERNUS_S3_SECRET_KEY=S3RVER
export DISCERNUS_LOG_DIR="$work/logs"

# worker-1 also serves /healthz, /readyz and Prometheus /metrics (docs/operations.md).
health_port=$(free_port)
metrics_port=$(free_port)
declare -A worker_of_pid
for i in $(seq 1 "$workers"); do
  mkdir -p "$work/worker-$i"
  endpoints=()
  if [ "$i" = 1 ]; then endpoints=(--health-port "$health_port" --metrics-port "$metrics_port"); fi
  (cd "$work/worker-$i" && exec "$root/discernus" worker --concurrency 4 "${endpoints[@]}") >"$work/worker-$i.log" 2>&1 &
  pids+=($!)
  worker_of_pid[$!]="worker-$i"
done
for i in $(seq 1 "$workers"); do
  wait_for "worker-$i" grep -q "worker serving" "$work/worker-$i.log"
done
echo "cluster: redis-server 127.0.0.1:$redis_port, s3rver 127.0.0.1:$s3_port (bucket discernus-demo), $workers workers" >&2

cp -r "$source_experiment" "$work/experiment"
rm -rf "$work/experiment/runs"
set +e
"$root/discernus" run "$work/experiment" --no-local-workers | tee "$work/run.log"
run_status=${PIPESTATUS[0]}
set -e
run_folder=$(sed -n 's/^Run folder: //p' "$work/run.log" | tail -1)
if [ "$run_status" -ne 0 ] || [ -z "$run_folder" ]; then
  echo "cluster-demo: the run ended with exit $run_status" >&2
  for i in $(seq 1 "$workers"); do echo "--- worker-$i"; tail -5 "$work/worker-$i.log"; done >&2
  exit 1
fi

echo
echo "document -> worker (host:pid)"
declare -A count
for result in "$run_folder"/results/batch_analysis/*.json; do
  document=$(sed -n 's/^  "document_name": "\(.*\)",$/\1/p' "$result")
  worker=$(sed -n 's/^    "worker": "\([^"]*\)",\{0,1\}$/\1/p' "$result")
  if [ -z "$worker" ]; then
    echo "cluster-demo: $result does not name the worker that analysed it" >&2
    exit 1
  fi
  pid=${worker##*:}
  name=${worker_of_pid[$pid]:-$worker}
  count[$name]=$(( ${count[$name]:-0} + 1 ))
  printf '  %-45s %s (%s)\n' "$document" "$name" "$worker"
done
echo
for name in "${!count[@]}"; do echo "  $name analysed ${count[$name]} document(s)"; done | sort

if command -v curl >/dev/null 2>&1; then
  echo
  echo "worker-1 endpoints:"
  for path in /healthz /readyz; do
    printf '  %-9s %s\n' "$path" "$(curl -sS --max-time 5 -w ' (HTTP %{http_code})' "http://127.0.0.1:$health_port$path")"
  done
  echo "  /metrics (tasks and model calls of worker-1):"
  curl -sS --max-time 5 "http://127.0.0.1:$metrics_port/metrics" | grep -E '^discernus_(tasks_(claimed|completed|failed)_total|model_calls_total|queue_depth|workers_live)' | sed 's/{otel_scope_name="Discernus",otel_scope_version="[^"]*",\{0,1\}/{/; s/{}//; s/^/    /' || true
  curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$health_port/readyz" | grep -q 200 || { echo "cluster-demo: worker-1 is not ready" >&2; exit 1; }
else
  echo "cluster-demo: curl is not installed; the health and metrics endpoints of worker-1 were not fetched" >&2
fi

"$root/discernus" verify "$run_folder"
if [ "${#count[@]}" -lt 2 ]; then
  echo "cluster-demo: only ${#count[@]} worker took part; the tasks did not spread" >&2
  exit 1
fi
echo "cluster-demo: run completed through $workers workers, S3 store and redis-server; run folder verified."
