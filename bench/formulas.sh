#!/usr/bin/env bash
# Formulas: wall time and peak memory of `discernus validate` on a copy of projects/nano whose framework has one
# derived metric of n terms (`dimensions.positive_sentiment.raw_score + ...`), the hostile case of issue 14 (before:
# 10,000 terms took 35 s and 4.2 GB). Formulas over 1,000 terms are refused as formula_too_large (exit 5) by a parser
# that stops reading at the limit, so every row should cost what validating nano costs.
# Usage: bench/formulas.sh [terms...]   (default: 1000 4000 10000 30000 100000). Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/formulas.sh${*:+ $*}"
sizes=()
for arg in "$@"; do [ "$arg" = --full ] || sizes+=("$arg"); done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 4000 10000 30000 100000)
bench_build_cli

echo "## Formula size (\`$invocation\`)"
echo
echo "| terms | framework.md | outcome | wall s | peak RSS MB |"
echo "|---|---|---|---|---|"
for n in 0 "${sizes[@]}"; do
  dir="$bench_work/formula-$n"
  cp -r "$bench_root/projects/nano" "$dir"
  rm -rf "$dir/runs"
  if [ "$n" -gt 0 ]; then
    python3 - "$dir/framework.md" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
formula = " + ".join(["dimensions.positive_sentiment.raw_score"] * n)
text = open(path, encoding="utf-8").read()
old = 'formula: "dimensions.positive_sentiment.raw_score - dimensions.negative_sentiment.raw_score"'
assert old in text
open(path, "w", encoding="utf-8").write(text.replace(old, f'formula: "{formula}"'))
PY
  fi
  say "formulas: $n terms"
  timed "formula-$n" "${discernus[@]}" validate "$dir" --format json
  size=$(du -k "$dir/framework.md" | cut -f1)
  case $timed_status in
    0) outcome="valid" ;;
    5) outcome="refused: $(grep -o 'formula_too_large' "$bench_work/formula-$n.out" | head -1 || true)" ;;
    *) outcome="exit $timed_status" ;;
  esac
  label=$([ "$n" -eq 0 ] && echo "nano as shipped" || printf "%'d" "$n")
  echo "| $label | ${size} KB | $outcome | $timed_secs | $timed_rss_mb |"
  summary "| validate a formula of $label terms | $timed_secs s, $timed_rss_mb MB ($outcome) | < 2 s, < 200 MB |"
done
