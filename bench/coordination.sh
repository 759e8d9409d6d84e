#!/usr/bin/env bash
# Coordination throughput on one throw-away redis-server: no-op tasks per second through claim → agent → ack →
# completion with Discernus's own queue, Router and completion waiter (bench/Discernus.Bench `coordination`), against
# BullMQ (npm bullmq + ioredis, bench/bullmq/noop.mjs: a no-op processor, the same number of jobs and the same
# concurrency), and `redis-benchmark -t lpush,rpop` on the same server as the physical reference. The three take
# turns round by round so that a change of load on the shared machine hits both sides alike.
# Usage: bench/coordination.sh [--tasks N] [--concurrency M] [--rounds R]   (default 20000 tasks, 64, 3 rounds)
# Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/coordination.sh${*:+ $*}"
tasks=20000 concurrency=64 rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --full) ;;
    --tasks) tasks=$2; shift ;;
    --concurrency) concurrency=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    *) echo "coordination.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

# BullMQ from npm into a gitignored folder, pinned by bench/bullmq/package-lock.json.
bullmq_dir="$bench_dir/.tools/bullmq"
mkdir -p "$bullmq_dir"
cp "$bench_dir/bullmq/package.json" "$bench_dir/bullmq/package-lock.json" "$bench_dir/bullmq/noop.mjs" "$bullmq_dir/"
if ! cmp -s "$bench_dir/bullmq/package-lock.json" "$bullmq_dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
  say "installing bullmq and ioredis (npm ci) into bench/.tools/bullmq"
  npm ci --prefix "$bullmq_dir" --no-audit --no-fund --loglevel=error >&2
  cp "$bench_dir/bullmq/package-lock.json" "$bullmq_dir/node_modules/.package-lock.json.installed"
fi
bullmq_version=$(jq -r .version "$bullmq_dir/node_modules/bullmq/package.json")
ioredis_version=$(jq -r .version "$bullmq_dir/node_modules/ioredis/package.json")

say "building bench/Discernus.Bench (Release)"
dotnet build "$bench_dir/Discernus.Bench/Discernus.Bench.csproj" -c Release -nologo -v q -o "$bench_work/bench-bin" >&2
start_redis redis
load_before=$(load_average)

ours=() ours_queue=() ours_loops=() bull=() bull_worker=() lpush=() rpop=()
for ((round = 1; round <= rounds; round++)); do
  say "coordination round $round of $rounds: Discernus ($tasks tasks, $concurrency loops)"
  line=$(dotnet "$bench_work/bench-bin/Discernus.Bench.dll" coordination --redis "$redis" --tasks "$tasks" --concurrency "$concurrency" --rounds 1)
  ours+=("$(grep -o 'tasks_per_s=[0-9]*' <<<"$line" | cut -d= -f2)")
  line=$(dotnet "$bench_work/bench-bin/Discernus.Bench.dll" coordination --redis "$redis" --tasks "$tasks" --concurrency "$concurrency" --rounds 1 --queue-only)
  ours_queue+=("$(grep -o 'tasks_per_s=[0-9]*' <<<"$line" | cut -d= -f2)")
  line=$(dotnet "$bench_work/bench-bin/Discernus.Bench.dll" coordination --redis "$redis" --tasks "$tasks" --concurrency "$concurrency" --rounds 1 --no-waiter)
  ours_loops+=("$(grep -o 'tasks_per_s=[0-9]*' <<<"$line" | cut -d= -f2)")
  say "coordination round $round of $rounds: BullMQ $bullmq_version"
  line=$(cd "$bullmq_dir" && node noop.mjs --redis "$redis" --tasks "$tasks" --concurrency "$concurrency" --rounds 1)
  bull+=("$(grep -o ' tasks_per_s=[0-9]*' <<<"$line" | cut -d= -f2)")
  bull_worker+=("$(grep -o 'worker_tasks_per_s=[0-9]*' <<<"$line" | cut -d= -f2)")
  say "coordination round $round of $rounds: redis-benchmark"
  csv=$(redis-benchmark -h 127.0.0.1 -p "$redis_port" -t lpush,rpop -n 200000 -c "$concurrency" --csv 2>/dev/null)
  lpush+=("$(grep '^"LPUSH"' <<<"$csv" | cut -d, -f2 | tr -d '"' | cut -d. -f1)")
  rpop+=("$(grep '^"RPOP"' <<<"$csv" | cut -d, -f2 | tr -d '"' | cut -d. -f1)")
done
load_after=$(load_average)
stop_pid "$redis_pid"

m_ours=$(median "${ours[@]}") m_queue=$(median "${ours_queue[@]}") m_bull=$(median "${bull[@]}") m_bull_worker=$(median "${bull_worker[@]}")
echo "## Coordination throughput (\`$invocation\`)"
echo
echo "One redis-server ($(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2), no persistence) on loopback; $tasks no-op tasks per round, concurrency $concurrency on both sides, $rounds rounds"
echo "taken in turns (after one unreported warm-up round of 2,000 in each process); load average $load_before before, $load_after after."
echo
echo "- **Discernus**: \`dotnet bench/Discernus.Bench coordination\` — \`RedisTaskQueue.EnqueueManyAsync\` of all ids, the \`Router\`'s $concurrency"
echo "  claim loops (BLMOVE on a connection each, contract and attempt counter, run-state read, a no-op \`IAgent\`, the Ack"
echo "  script pushing a completion signal), one waiter taking signals with \`RunCompletions.WaitAsync\` and, per signal,"
echo "  the Orchestrator's cancel check and progress counts (\"queue only\" leaves those two out). Clock: first enqueue → last signal taken."
echo "  \"Claim loops only\": no waiter; the clock stops when run:{id}:done holds every signal (LLEN polled every 5 ms)."
echo "- **BullMQ** $bullmq_version with ioredis $ioredis_version: \`addBulk\` in chunks of 500, one \`Worker\` (concurrency $concurrency, no-op"
echo "  processor, \`removeOnComplete\`), clock: first add → the ${tasks}th \`completed\` event read by a \`QueueEvents\` listener"
echo "  (\"worker\": → the worker's own ${tasks}th completion)."
echo "- **redis-benchmark** \`-t lpush,rpop -n 200000 -c $concurrency\`: single commands, no pipelining."
echo
echo "| | tasks/s per round | median |"
echo "|---|---|---|"
echo "| Discernus (as the Orchestrator drives it) | ${ours[*]} | **$m_ours** |"
echo "| Discernus, queue only | ${ours_queue[*]} | $m_queue |"
echo "| Discernus, claim loops only (no waiter) | ${ours_loops[*]} | $(median "${ours_loops[@]}") |"
echo "| BullMQ (completions read by QueueEvents) | ${bull[*]} | **$m_bull** |"
echo "| BullMQ (worker's completions) | ${bull_worker[*]} | $m_bull_worker |"
echo "| redis-benchmark LPUSH (requests/s) | ${lpush[*]} | $(median "${lpush[@]}") |"
echo "| redis-benchmark RPOP (requests/s) | ${rpop[*]} | $(median "${rpop[@]}") |"
echo
echo "- Discernus / BullMQ = **$(calc "$m_ours / $m_bull")** (target ≥ 2.0); queue only: $(calc "$m_queue / $m_bull")."
summary "| Coordination: Discernus / BullMQ no-op tasks/s ($m_ours / $m_bull) | **$(calc "$m_ours / $m_bull")** | ≥ 2.0 |"
echo
