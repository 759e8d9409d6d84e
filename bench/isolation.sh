#!/usr/bin/env bash
# The cost of process isolation: the same offline run (lexicon, embedded Garnet) of a synthetic corpus with agents in
# the run process (--isolation none) and with each task in a child process (--isolation process), at one or more
# concurrencies. Prints a Markdown table (wall and CPU seconds, the difference per task, the median child lifetime);
# numbers go to docs/benchmarks.md. Usage: bench/isolation.sh [documents] [concurrency...]   (default: 200 2 8)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
n=${1:-200}; shift || true
concurrencies=("${@:-2 8}")
[ $# -eq 0 ] && concurrencies=(2 8)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DISCERNUS_ARTIFACTS_DIR="$work/artifacts"
./discernus --version >/dev/null   # build once, outside the measurements

# The nano remarks, each copy made unique by one line so content addressing cannot fold two documents into one.
dir="$work/synthetic"
cp -r projects/nano "$dir"; rm -rf "$dir/runs" "$dir/corpus"; mkdir -p "$dir/corpus"
files=(projects/nano/corpus/*.txt)
{
  echo '# Synthetic corpus'; echo; echo '```yaml'; echo "name: synthetic_$n"; echo 'version: "1.0"'; echo "total_documents: $n"; echo 'documents:'
  for ((i = 0; i < n; i++)); do
    name=$(printf 'doc_%05d.txt' "$i")
    { cat "${files[$((i % ${#files[@]}))]}"; echo "[synthetic copy $i]"; } >"$dir/corpus/$name"
    printf '  - filename: %s\n    document_id: doc_%05d\n    metadata: {tone: "%s"}\n' "$name" "$i" "$([ $((i % 2)) -eq 0 ] && echo positive || echo negative)"
  done
  echo '```'
} >"$dir/corpus.md"
tasks=$((n + 2))   # one analysis per document, the synthesis and the report

echo "| $n documents ($tasks tasks), lexicon | wall s | CPU s (all processes) | wall ms/task over none | CPU ms/task over none | median child ms |"
echo "|---|---|---|---|---|---|"
for c in "${concurrencies[@]}"; do
  for mode in none process; do
    logs="$work/logs-$mode-$c"; mkdir -p "$logs"
    DISCERNUS_LOG_DIR="$logs" /usr/bin/time -f "%e %U %S" -o "$work/time" ./discernus run "$dir" --concurrency "$c" --isolation "$mode" >/dev/null 2>"$work/err" \
      || { echo "| --isolation $mode -c $c | failed: $(tail -1 "$work/err") | | | | |"; continue; }
    read -r wall user sys <"$work/time"
    cpu=$(echo "$user + $sys" | bc)
    median=$( (grep -h 'ran in agent process' "$logs"/*.jsonl 2>/dev/null || true) | sed -n 's/.*"Milliseconds":\([0-9]*\).*/\1/p' | sort -n | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : "-"}')
    if [ "$mode" = none ]; then
      base_wall=$wall; base_cpu=$cpu
      echo "| --isolation none, --concurrency $c | $wall | $cpu | | | |"
    else
      dw=$(echo "($wall - $base_wall) * 1000 / $tasks" | bc -l); dc=$(echo "($cpu - $base_cpu) * 1000 / $tasks" | bc -l)
      printf '| --isolation process, --concurrency %s | %s | %s | %.0f | %.0f | %s |\n' "$c" "$wall" "$cpu" "$dw" "$dc" "$median"
    fi
  done
done
