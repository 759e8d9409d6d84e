#!/usr/bin/env bash
# The offline models at corpus speed and a short run's start (issue 17's goals), each run on a fresh artifact store:
#   lexicon    `discernus run --model lexicon` on a synthetic corpus of N ~300-word documents: documents/s of the
#              batch-analysis stage (goal >= 3,000 at 100,000 documents);
#   minilm     `discernus run --model minilm` on bench/validity.sh's EmoBank experiment (600 sentences, seed 20240601):
#              sentences/s of the batch-analysis stage (goal >= 150). EmoBank is not in the repository: give the
#              path of a checkout of JULIELab/EmoBank with --emobank or DISCERNUS_BENCH_EMOBANK, else the row says
#              it was not measured;
#   cold start a second `./discernus run projects/nano` (a copy, so the repository gets no run folder), wall time of
#              five runs (goal < 1.5 s).
# Usage: bench/offline.sh [--full] [--documents N] [--repeat R] [--emobank PATH]
#   quick (default): lexicon on 10,000 documents; --full: 100,000. R runs of lexicon and minilm each (default 3).
#   A run's files are set aside, not deleted (bench/lib.sh, set_aside): ext4 avoids reusing inodes freed moments
#   before, so a run started right after deleting the last one's 200,000 files created its own much more slowly
#   (docs/benchmarks.md measured 5-25 s of run setup for the same corpus), the benchmark's doing, not the run's.
# Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

invocation="bench/offline.sh${*:+ $*}"
documents=10000 repeat=3 emobank=${DISCERNUS_BENCH_EMOBANK:-}
while [ $# -gt 0 ]; do
  case $1 in
    --full) documents=100000 ;;
    --documents) documents=$2; shift ;;
    --repeat) repeat=$2; shift ;;
    --emobank) emobank=$2; shift ;;
    *) echo "offline.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

bench_build_cli
unset DISCERNUS_REDIS_URL
rows=()

# run_offline LABEL EXPERIMENT MODEL: one run on a fresh store; sets stage_ms (batch analysis), analysed, and the
# timed_* values; the run folder and the store are set aside afterwards (bench/lib.sh).
run_offline() {
  local label=$1 experiment=$2 model=$3 run
  export DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-$label"
  set_aside "$DISCERNUS_ARTIFACTS_DIR" "$experiment/runs"
  timed "$label" "${discernus[@]}" run "$experiment" --model "$model"
  run=$(latest_run "$experiment")
  stage_ms=null analysed=0
  if [ "$timed_status" -eq 0 ] && [ -n "$run" ]; then
    stage_ms=$(analysis_ms "$run")
    analysed=$(manifest "$run" '.stages[] | select(.name == "batch_analysis") | .tasks_succeeded // 0')
  else
    say "$label failed (exit $timed_status): $(grep -v '^\s*$' "$bench_work/$label.err" | tail -1 | cut -c1-200 || true)"
  fi
  set_aside "$DISCERNUS_ARTIFACTS_DIR" "$experiment/runs"
}

# measure NAME EXPERIMENT MODEL UNIT GOAL: R runs; a table row and a summary row with
# the range and the median rate.
measure() {
  local name=$1 experiment=$2 model=$3 unit=$4 goal=$5 rates=() stages=() i load
  load=$(load_average)
  for ((i = 1; i <= repeat; i++)); do
    # The last run's writes reach the disk before this one starts, not during it.
    sync
    say "offline: $name, run $i of $repeat"
    run_offline "$model-$i" "$experiment" "$model"
    if [ "$stage_ms" = null ] || [ "$stage_ms" -le 0 ]; then
      rows+=("| $name | run $i failed (exit $timed_status) | | | | $load |")
      summary "| $name | run $i failed | $goal |"
      return
    fi
    rates+=("$(calc "$analysed * 1000 / $stage_ms" 0)")
    stages+=("$(calc "$stage_ms / 1000" 2)")
  done
  local sorted
  sorted=$(printf '%s\n' "${rates[@]}" | sort -g | paste -sd' ')
  rows+=("| $name | $analysed | $(IFS=,; echo "${stages[*]}" | sed 's/,/, /g') | ${sorted// /, } | **$(calc "$(median "${rates[@]}")" 0)** | $load |")
  summary "| $name, batch-analysis stage, fresh store, median of $repeat | **$(calc "$(median "${rates[@]}")" 0)** $unit/s (${sorted// /–}) | $goal |"
}

say "offline: making a corpus of $documents documents"
corpus=$(make_corpus "$documents" 300)
export DISCERNUS_MAX_DOCUMENTS=$documents
measure "lexicon, $documents documents of ~300 words" "$corpus" lexicon documents "≥ 3,000 documents/s at 100,000"
set_aside "$corpus"
unset DISCERNUS_MAX_DOCUMENTS

if [ -n "$emobank" ] && [ -f "$emobank/corpus/raw.csv" ]; then
  say "offline: building the EmoBank experiment (600 sentences)"
  dotnet build "$bench_dir/Discernus.Bench/Discernus.Bench.csproj" -c Release -nologo -v q >&2
  experiment=$(dotnet "$bench_dir/Discernus.Bench/bin/Release/net10.0/Discernus.Bench.dll" emobank-build "$emobank" "$bench_work/emobank" \
    --framework "$bench_dir/emobank/framework.md" --sentences 600 --coded 300 --seed 20240601)
  measure "minilm, 600 EmoBank sentences" "$experiment" minilm sentences "≥ 150 sentences/s"
else
  rows+=("| minilm, 600 EmoBank sentences | not measured: give a checkout of JULIELab/EmoBank with --emobank or DISCERNUS_BENCH_EMOBANK | | | | |")
  summary "| minilm, 600 EmoBank sentences | not measured (no EmoBank checkout given) | ≥ 150 sentences/s |"
fi

say "offline: cold start, projects/nano"
nano="$bench_work/nano"
cp -r "$bench_root/projects/nano" "$nano"
rm -rf "$nano/runs"
export DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-nano"
load=$(load_average)
"$bench_root/discernus" run "$nano" >"$bench_work/nano-first.out" 2>&1
walls=()
for i in 1 2 3 4 5; do
  timed "nano-$i" "$bench_root/discernus" run "$nano"
  [ "$timed_status" -eq 0 ] || { say "nano run $i failed (exit $timed_status)"; walls=(); break; }
  walls+=("$timed_secs")
done
if [ ${#walls[@]} -gt 0 ]; then
  sorted=$(printf '%s\n' "${walls[@]}" | sort -g | paste -sd' ')
  cold="${sorted// /, } s, median **$(median "${walls[@]}")** s"
else
  cold="a run failed"
fi
summary "| Cold start: a second \`./discernus run projects/nano\`, wall, five runs | $cold | < 1.5 s |"

echo "## Offline models and a short run's start (\`$invocation\`)"
echo
echo "Each run on a fresh artifact store, embedded Garnet, default concurrency; rate = documents analysed / the manifest's"
echo "batch-analysis stage; the files of the runs before are set aside, not deleted, until the benchmarks end (see bench/lib.sh)."
echo "Cold start: \`./discernus run\` on a copy of \`projects/nano\`, after one run that filled its store."
echo
echo "| measurement | documents | batch analysis s | rate per s, sorted | median per s | load avg before |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "Cold start (load average $load before): $cold."
echo
