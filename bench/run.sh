#!/usr/bin/env bash
# Discernus benchmarks: end-to-end wall time and peak memory of validate, run setup (--dry-run) and the full
# offline pipeline (lexicon, embedded Garnet) on synthetic corpora of growing size, plus the example experiments.
# Usage: bench/run.sh [sizes...]   (default: 20 200 1000). Prints a Markdown table; numbers go to docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
sizes=("${@:-20 200 1000}")
[ $# -eq 0 ] && sizes=(20 200 1000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DISCERNUS_ARTIFACTS_DIR="$work/artifacts"
./discernus --version >/dev/null   # build once, outside the measurements

measure() { # label, command...  -> prints "| label | seconds | MB |"
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { echo "| $label | failed: $(tail -1 "$work/err") | |"; return; }
  read -r secs kb <"$work/time"
  printf '| %s | %s | %.0f |\n' "$label" "$secs" "$((kb / 1024))"
}

# A synthetic corpus: the inaugural addresses, each copy made unique by one line so content addressing cannot dedupe it.
make_corpus() { # size -> experiment dir
  local n=$1 dir="$work/synthetic_$1"
  cp -r projects/political_rhetoric "$dir"; rm -rf "$dir/runs" "$dir/corpus"; mkdir -p "$dir/corpus"
  local files=(projects/political_rhetoric/corpus/*.txt)
  {
    sed -n '1,/^```yaml/p' projects/political_rhetoric/corpus.md | sed '$d'
    echo '```yaml'; echo "name: synthetic_$n"; echo 'version: "1.0"'; echo "total_documents: $n"; echo 'documents:'
    for ((i = 0; i < n; i++)); do
      local src=${files[$((i % ${#files[@]}))]} name; name=$(printf 'doc_%05d.txt' "$i")
      { cat "$src"; echo "[synthetic copy $i]"; } >"$dir/corpus/$name"
      printf '  - filename: %s\n    document_id: doc_%05d\n    metadata: {era: "era_%d", party: "p%d"}\n' "$name" "$i" $((i % 5)) $((i % 3))
    done
    echo '```'
  } >"$dir/corpus.md"
  sed -i 's/experiment_name: political_rhetoric/experiment_name: synthetic_'"$n"'/' "$dir/experiment.md"
  echo "$dir"
}

echo "| step | wall s | peak RSS MB |"
echo "|---|---|---|"
for p in nano political_rhetoric institutional_communications academic_discourse; do
  cp -r "projects/$p" "$work/$p"; rm -rf "$work/$p/runs"
  measure "run $p ($(ls "$work/$p/corpus" | grep -vc corpus.md) docs)" ./discernus run "$work/$p"
done
for n in "${sizes[@]}"; do
  dir=$(make_corpus "$n")
  measure "validate synthetic $n docs" ./discernus validate "$dir"
  measure "run --dry-run synthetic $n docs" ./discernus run --dry-run "$dir"
  measure "run synthetic $n docs (lexicon)" ./discernus run "$dir"
  measure "run synthetic $n docs again (store warm)" ./discernus run "$dir"
done
