#!/usr/bin/env bash
# End to end: wall time and peak memory of validate, run setup (--dry-run) and the full offline pipeline (lexicon,
# embedded Garnet) on the four example experiments and on synthetic corpora of whole inaugural addresses (~2,200 words),
# each copy made unique by one line so content addressing cannot deduplicate it.
# Usage: bench/endtoend.sh [sizes...]   (default: 20 200 1000). Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/endtoend.sh${*:+ $*}"
sizes=()
for arg in "$@"; do [ "$arg" = --full ] || sizes+=("$arg"); done
[ ${#sizes[@]} -gt 0 ] || sizes=(20 200 1000)
export DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts"
unset DISCERNUS_REDIS_URL
bench_build_cli

measure() { # label, command...  -> prints "| label | seconds | MB |"
  local label=$1
  shift
  timed e2e "$@"
  if [ "$timed_status" -ne 0 ]; then
    echo "| $label | failed: $(tail -1 "$bench_work/e2e.err") | |"
  else
    echo "| $label | $timed_secs | $timed_rss_mb |"
  fi
}

echo "## End to end (\`$invocation\`)"
echo
echo "| step | wall s | peak RSS MB |"
echo "|---|---|---|"
for p in nano political_rhetoric institutional_communications academic_discourse; do
  cp -r "$bench_root/projects/$p" "$bench_work/$p"
  rm -rf "$bench_work/$p/runs"
  say "end to end: $p"
  measure "run $p ($(find "$bench_work/$p/corpus" -type f ! -name '*.md' | wc -l) docs)" "${discernus[@]}" run "$bench_work/$p"
done
for n in "${sizes[@]}"; do
  dir=$(make_corpus "$n" 0)
  say "end to end: synthetic $n"
  measure "validate synthetic $n docs" "${discernus[@]}" validate "$dir"
  measure "run --dry-run synthetic $n docs" "${discernus[@]}" run --dry-run "$dir"
  measure "run synthetic $n docs (lexicon)" "${discernus[@]}" run "$dir"
  measure "run synthetic $n docs again (store warm)" "${discernus[@]}" run "$dir"
done
echo
