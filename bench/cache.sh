#!/usr/bin/env bash
# Response cache: a 1,000-document experiment run to completion against the simulated provider, then run again
# unchanged with the same artifact store. The re-run must send no request to the provider (fake-llm's /stats and the
# manifest's cost.provider_requests) and every answer must come from the cache (cost.cache_hits).
# Usage: bench/cache.sh [--documents N]   (default 1000). Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/cache.sh${*:+ $*}"
n=1000
while [ $# -gt 0 ]; do
  case $1 in
    --full) ;;
    --documents) n=$2; shift ;;
    *) echo "cache.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

bench_build_cli
dir=$(make_corpus "$n" 300)
start_fake_llm llm --latency-ms 200 --concurrency 64
export DISCERNUS_OPENAI_COMPATIBLE_BASE_URL=$llm DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-cache"
unset DISCERNUS_REDIS_URL
rows=()
before=$(stat_of "$(fake_stats "$llm_stats")" requests)
for pass in first again; do
  say "cache: $n documents, $pass run"
  timed "cache-$pass" "${discernus[@]}" run "$dir" --model openai-compatible/fake --concurrency 64
  after=$(stat_of "$(fake_stats "$llm_stats")" requests)
  run=$(sed -n 's/^Run folder: //p' "$bench_work/cache-$pass.out" | tail -1)
  if [ -z "$run" ]; then
    rows+=("| $pass | failed (exit $timed_status): $(tail -1 "$bench_work/cache-$pass.err") | | | | | | |")
  else
    rows+=("| $pass | $(manifest "$run" .status) | $timed_secs | $(calc "$(analysis_ms "$run") / 1000") | $timed_rss_mb | **$((after - before))** | $(manifest "$run" .cost.provider_requests) | $(manifest "$run" .cost.cache_hits) |")
    summary=$(grep -o '[0-9,]* provider request(s), [0-9,]* cache hit(s)[^.]*' "$bench_work/cache-$pass.out" | head -1 || true)
  fi
  [ "$pass" = again ] && summary "| Cache: provider requests of the re-run of a finished $n-document run (fake-llm / manifest) | **$((after - before)) / $(manifest "$run" .cost.provider_requests 2>/dev/null || echo -)**, wall ${timed_secs} s | 0 |"
  before=$after
done
stop_pid "$llm_pid"

echo "## Cache (\`$invocation\`)"
echo
echo "$n documents of ~300 words against \`discernus dev fake-llm --latency-ms 200 --concurrency 64\`, \`discernus run --concurrency 64\`"
echo "(embedded Garnet); the second run repeats the first with the same experiment and artifact store."
echo
echo "| run | status | wall s | analysis s | peak RSS MB | requests seen by fake-llm | manifest provider_requests | manifest cache_hits |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Summary line of the re-run: \"${summary:-}\"."
echo
