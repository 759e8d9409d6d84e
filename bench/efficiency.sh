#!/usr/bin/env bash
# Pipeline efficiency against the simulated provider: batch-analysis time (the run manifest's
# stages[batch_analysis].duration_ms) over the ideal N·L/C, for `discernus run --concurrency 64` (embedded Garnet)
# and for three `discernus worker --concurrency 22` on redis-server with `run --no-local-workers`. The provider is
# `discernus dev fake-llm --latency-ms 200 --concurrency 64`, started fresh for every run; every run gets an empty
# artifact store, so no answer comes from the cache. Documents: ~300-word slices of the inaugural addresses.
# Usage: bench/efficiency.sh [--full] [--sizes "N ..."] [--repeat R]   (quick: N = 1000 once; --full: N = 3200, 3 times)
# Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/efficiency.sh${*:+ $*}"
sizes="1000" repeat=1
while [ $# -gt 0 ]; do
  case $1 in
    --full) sizes="3200" repeat=3 ;;
    --sizes) sizes=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    *) echo "efficiency.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
latency=200 provider_concurrency=64 workers=3 worker_concurrency=22

bench_build_cli
rows=()
declare -A ratios wholes
for n in $sizes; do
  dir=$(make_corpus "$n" 300)
  ideal_ms=$(calc "$n * $latency / $provider_concurrency" 0)
  for ((rep = 1; rep <= repeat; rep++)); do
    # The reference: the same documents sent 64 at a time by a plain client, in the same minutes, to a fresh provider.
    start_fake_llm llm --latency-ms "$latency" --concurrency "$provider_concurrency"
    timed "eff-plain-$n-$rep" node "$bench_dir/plain-client.mjs" "$llm" "$dir/corpus" "$dir/framework.md" "$provider_concurrency"
    plain_secs=$timed_secs
    stop_pid "$llm_pid"
    plain_ok=$(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$bench_work/eff-plain-$n-$rep.out")
    rows+=("| plain client | $n | $plain_ok answered | | $(calc "$ideal_ms / 1000") | | $plain_secs | | | | | | |")
    for setup in embedded workers; do
      label="eff-$setup-$n-$rep"
      say "efficiency: $setup, $n documents, repeat $rep of $repeat"
      start_fake_llm llm --latency-ms "$latency" --concurrency "$provider_concurrency"
      export DISCERNUS_OPENAI_COMPATIBLE_BASE_URL=$llm DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-$label"
      load=$(load_average)
      if [ "$setup" = embedded ]; then
        unset DISCERNUS_REDIS_URL
        timed "$label" "${discernus[@]}" run "$dir" --model openai-compatible/fake --concurrency 64
      else
        start_redis redis
        export DISCERNUS_REDIS_URL=$redis
        worker_pids=()
        for ((w = 1; w <= workers; w++)); do
          "${discernus[@]}" worker --concurrency "$worker_concurrency" >"$bench_work/$label-worker-$w.out" 2>&1 &
          worker_pids+=($!)
          bench_pids+=($!)
        done
        # Measure the pipeline, not worker start-up: wait until every agent loop has its heartbeat.
        wait_for "[ \$(redis-cli -p $redis_port --scan --pattern 'discernus:worker:*' | wc -l) -ge $((workers * worker_concurrency)) ]" 120
        timed "$label" "${discernus[@]}" run "$dir" --model openai-compatible/fake --no-local-workers
        for pid in "${worker_pids[@]}"; do stop_pid "$pid"; done
        stop_pid "$redis_pid"
        unset DISCERNUS_REDIS_URL
      fi
      stats=$(fake_stats "$llm_stats")
      stop_pid "$llm_pid"
      run=$(sed -n 's/^Run folder: //p' "$bench_work/$label.out" | tail -1)
      if [ -z "$run" ] || [ ! -f "$run/manifest.json" ]; then
        rows+=("| $setup | $n | failed (exit $timed_status): $(tail -1 "$bench_work/$label.err") | | | | | | | | | |")
        continue
      fi
      a=$(analysis_ms "$run")
      if [ "$a" = null ]; then
        rows+=("| $setup | $n | $(manifest "$run" .status): $(manifest "$run" .error) | | | | $timed_secs | $timed_rss_mb | | | | | $load |")
        continue
      fi
      ratio=$(calc "$a / $ideal_ms")
      ratios["$setup $n"]+="$ratio "
      whole=$(calc "$timed_secs / $plain_secs")
      wholes["$setup $n"]+="$whole "
      rows+=("| $setup | $n | $(manifest "$run" .status) | $(calc "$a / 1000") | $(calc "$ideal_ms / 1000") | **$ratio** | $timed_secs (**$whole** × plain) | $timed_rss_mb | $(stat_of "$stats" requests) | $(manifest "$run" .cost.provider_requests) | $(stat_of "$stats" rate_limited) | $(stat_of "$stats" max_concurrent) | $load |")
      set_aside "$run" "$DISCERNUS_ARTIFACTS_DIR"
    done
  done
done

echo "## Pipeline efficiency (\`$invocation\`)"
echo
echo "Simulated provider \`discernus dev fake-llm --latency-ms $latency --concurrency $provider_concurrency\` (OpenAI-compatible, on loopback), \`--model openai-compatible/fake\`;"
echo "documents of ~300 words; an empty artifact store per run (no cache hit). Ideal = N·L/C = N × $latency ms / $provider_concurrency."
echo "**embedded**: \`discernus run --concurrency 64\` (embedded Garnet, agents in-process). **workers**: redis-server,"
echo "$workers × \`discernus worker --concurrency $worker_concurrency\` (started before, timed from their heartbeats), \`discernus run --no-local-workers\`."
echo "Analysis = the manifest's \`stages[batch_analysis].duration_ms\`; wall and peak RSS are those of the \`run\` process."
echo "**plain client**: \`bench/plain-client.mjs\` (Node's fetch, the same documents and framework text, $provider_concurrency at a time, no retries,"
echo "nothing stored), run first in each repetition against its own fresh provider: what a researcher would write instead."
echo
echo "| set-up | N | status | analysis s | ideal s | actual/ideal | wall s | run peak RSS MB | requests (fake-llm) | requests (manifest) | 429s | max in flight | load avg before |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
for key in "${!ratios[@]}"; do
  # shellcheck disable=SC2086
  echo "- $key documents: actual/ideal median **$(median ${ratios[$key]})** over ${repeat} run(s) (target ≤ 1.05)"
  # shellcheck disable=SC2086
  summary "| Pipeline efficiency, ${key% *}, N = ${key#* } (analysis / N·L/C, median of $repeat) | **$(median ${ratios[$key]})** | ≤ 1.05 |"
  # shellcheck disable=SC2086
  echo "- $key documents: whole run / plain client median **$(median ${wholes[$key]})** (target ≤ 1.25)"
  # shellcheck disable=SC2086
  summary "| Whole run against a plain client, ${key% *}, N = ${key#* } (run wall / plain client wall, median of $repeat) | **$(median ${wholes[$key]})** | ≤ 1.25 |"
done | sort
echo
