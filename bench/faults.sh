#!/usr/bin/env bash
# Faults: 1,000 documents against a misbehaving simulated provider, `discernus run --concurrency 64` (embedded).
# fake-llm injects 429s (Retry-After), 5xx and malformed answers at set rates. Three set-ups: "429" (the issue's:
# --rate-limit-rate 0.20 --malformed-rate 0.05), "5xx" (--error-rate 0.20 --malformed-rate 0.05) and "overload"
# (--concurrency 48 --malformed-rate 0.05 against the run's 64 in flight: 429s from the provider's own limit). Every document must end succeeded or
# reported as failed in the manifest; retries are the manifest's cost.retries. Efficiency is analysis / (N·L/C).
# Usage: bench/faults.sh [--documents N]   (default 1000). Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/faults.sh${*:+ $*}"
n=1000 latency=200
while [ $# -gt 0 ]; do
  case $1 in
    --full) ;;
    --documents) n=$2; shift ;;
    *) echo "faults.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

bench_build_cli
dir=$(make_corpus "$n" 300)
unset DISCERNUS_REDIS_URL
rows=()
for setup in 429 5xx overload; do
  case $setup in
    429) provider_concurrency=64 flags=(--rate-limit-rate 0.20 --malformed-rate 0.05) ;;
    5xx) provider_concurrency=64 flags=(--error-rate 0.20 --malformed-rate 0.05) ;;
    overload) provider_concurrency=48 flags=(--malformed-rate 0.05) ;;
  esac
  say "faults: $setup, $n documents"
  start_fake_llm llm --latency-ms "$latency" --concurrency "$provider_concurrency" "${flags[@]}"
  export DISCERNUS_OPENAI_COMPATIBLE_BASE_URL=$llm DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-faults-$setup"
  timed "faults-$setup" "${discernus[@]}" run "$dir" --model openai-compatible/fake --concurrency 64
  stats=$(fake_stats "$llm_stats")
  stop_pid "$llm_pid"
  run=$(sed -n 's/^Run folder: //p' "$bench_work/faults-$setup.out" | tail -1)
  provider="fake-llm --concurrency $provider_concurrency ${flags[*]}"
  if [ -z "$run" ] || [ ! -f "$run/manifest.json" ]; then
    rows+=("| $setup | \`$provider\` | failed (exit $timed_status): $(tail -1 "$bench_work/faults-$setup.err") | | | | | | | | | |")
    continue
  fi
  requests=$(stat_of "$stats" requests)
  ok=$(manifest "$run" '.stages[] | select(.name == "batch_analysis") | .tasks_succeeded')
  bad=$(manifest "$run" '.stages[] | select(.name == "batch_analysis") | .tasks_failed')
  reported=$(manifest "$run" '[.failures[] | select(.task_id | test(":analyse"))] | length' 2>/dev/null || manifest "$run" '.failures | length')
  accounted=$([ $((ok + bad)) -eq "$n" ] && [ "$reported" -eq "$bad" ] && echo yes || echo "NO")
  a=$(analysis_ms "$run")
  ideal_ms=$(calc "$n * $latency / $provider_concurrency" 0)
  summary "| Faults ($setup): $n documents all succeeded or reported; retries; actual/ideal | $accounted ($ok + $bad); $(manifest "$run" .cost.retries) retries; **$(calc "$a / $ideal_ms")** | all accounted for |"
  rows+=("| $setup | \`$provider\` | $(manifest "$run" .status) | $ok | $bad ($reported in manifest failures) | $accounted | $requests | $(stat_of "$stats" rate_limited) ($(calc "100 * $(stat_of "$stats" rate_limited) / $requests" 1) %) | $(stat_of "$stats" server_errors) | $(stat_of "$stats" malformed) | $(manifest "$run" .cost.retries) | $(calc "$a / 1000") / $(calc "$ideal_ms / 1000") = **$(calc "$a / $ideal_ms")** |")
done

echo "## Faults (\`$invocation\`)"
echo
echo "$n documents of ~300 words, \`discernus run --model openai-compatible/fake --concurrency 64\` (embedded), latency $latency ms."
echo "\"429\": a seeded 20 % of requests answered 429 with Retry-After (a spent quota); \"overload\": the provider serves 48 at"
echo "once against the run's 64, so its 429s are whatever the run's adaptive concurrency leaves. The ideal is N·L/C with"
echo "the provider's concurrency, so 429s and 5xx cost time against it."
echo "Malformed answers are re-asked by the agent (with the problems shown); \"retries\" is the manifest's \`cost.retries\`."
echo
echo "| set-up | provider | status | succeeded | failed | all accounted for | requests | 429s | 5xx | malformed | retries | analysis / ideal s = actual/ideal |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
