#!/usr/bin/env bash
# Scale, offline: `discernus run --model lexicon` (embedded Garnet, default concurrency) on synthetic corpora of
# ~300-word documents — wall time, peak RSS of the run process (/usr/bin/time %M) and each stage's duration from the
# manifest. DISCERNUS_MAX_DOCUMENTS is raised to N. A run that fails or runs past the time limit is recorded as such.
# Usage: bench/scale.sh [--full] [--sizes "N ..."] [--limit SECONDS]   (quick: 10000; --full: 10000 100000; limit 3600 s)
# Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/scale.sh${*:+ $*}"
sizes="10000" limit=3600
while [ $# -gt 0 ]; do
  case $1 in
    --full) sizes="10000 100000" ;;
    --sizes) sizes=$2; shift ;;
    --limit) limit=$2; shift ;;
    *) echo "scale.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

bench_build_cli
unset DISCERNUS_REDIS_URL
rows=()
for n in $sizes; do
  say "scale: making a corpus of $n documents"
  dir=$(make_corpus "$n" 300)
  export DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-scale-$n" DISCERNUS_MAX_DOCUMENTS=$n
  load=$(load_average)
  say "scale: $n documents offline (limit ${limit}s)"
  timed "scale-$n" timeout --signal=TERM --kill-after=30 "$limit" "${discernus[@]}" run "$dir" --model lexicon
  run=$(sed -n 's/^Run folder: //p' "$bench_work/scale-$n.out" | tail -1)
  [ -n "$run" ] || run=$(latest_run "$dir")
  if [ -n "$run" ] && [ -f "$run/manifest.json" ]; then
    stages=$(jq -r '[.stages[] | "\(.name) \((.duration_ms // 0) / 1000 | . * 10 | round / 10)"] | join(", ")' "$run/manifest.json")
    status=$(manifest "$run" .status)
    analysed="$(manifest "$run" '.stages[] | select(.name == "batch_analysis") | .tasks_succeeded // 0')"
  else
    stages="(no manifest)" status="no run folder" analysed=0
  fi
  if [ "$timed_status" -eq 124 ]; then
    status="stopped after the ${limit}s limit ($status)"
  elif [ "$timed_status" -ne 0 ]; then
    status="exit $timed_status ($status): $(grep -v '^\s*$' "$bench_work/scale-$n.err" | tail -1 | cut -c1-200 || true)"
  fi
  rows+=("| $n | $status | $analysed | $timed_secs | **$timed_rss_mb** | $stages | $load |")
  summary "| Scale: $n documents offline — peak RSS MB, wall s ($status) | **$timed_rss_mb** MB, $timed_secs s | < 500 MB, flat in N |"
  set_aside "$dir" "$DISCERNUS_ARTIFACTS_DIR"
done

echo "## Scale, offline (\`$invocation\`)"
echo
echo "\`discernus run --model lexicon\` (embedded Garnet, 8 agent loops) on ~300-word documents, DISCERNUS_MAX_DOCUMENTS=N."
echo
echo "| N | status | analysed | wall s | peak RSS MB | stages (s) | load avg before |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
