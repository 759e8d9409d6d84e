#!/usr/bin/env bash
# Validity on real human-coded data: does Discernus measure what human readers measure? Builds an experiment from a
# checkout of EmoBank (JULIELab/EmoBank, CC-BY-SA 4.0; never committed here): sentences sampled with a seed and
# stratified by genre, the framework bench/emobank/framework.md (valence and arousal, reader perspective), a corpus
# manifest with each sentence's genre, and gold.csv with the individual reader ratings of --coded of the sentences
# mapped to 0-1 by (x - 1) / 4. The other sentences' ratings are held out: the run never sees them.
# Then runs `discernus run` with --model lexicon and --model minilm, raw and with --calibrate, reads each run's
# results/synthesis/statistics.json (`validity`) and results/exports/scores.csv, computes the agreement on the held-out
# sentences itself (bench/Discernus.Bench emobank-analyse), and writes the tables into docs/validity.md between its
# `<!-- validity:after -->` markers (`<!-- validity:before -->` with --raw-only; prose outside them is kept).
#
# Usage: bench/validity.sh <emobank-checkout> [--sentences 600] [--coded 300] [--seed 20240601] [--raw-only]
#                          [--resamples 1000] [--work DIR] [--out FILE|-]
#   <emobank-checkout>  a checkout of JULIELab/EmoBank (the folder holding corpus/raw.csv)
#   --raw-only          raw runs only (the "before": a build without calibration); without it the CLI must accept
#                       `run --calibrate`, else the script stops before any run
#   --work DIR          build the experiment and keep it, with its runs, in DIR (default: a temporary folder, removed
#                       at exit; bench/.validity/ is git-ignored for this)
#   --out -             print the Markdown instead of writing docs/validity.md
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
checkout="" sentences=600 coded=300 seed=20240601 raw_only="" resamples=1000 work="" out="$bench_root/docs/validity.md"
shown=()
while [ $# -gt 0 ]; do
  case $1 in
    --sentences) sentences=$2; shown+=("$1 $2"); shift ;;
    --coded) coded=$2; shown+=("$1 $2"); shift ;;
    --seed) seed=$2; shown+=("$1 $2"); shift ;;
    --resamples) resamples=$2; shown+=("$1 $2"); shift ;;
    --raw-only) raw_only=1; shown+=("$1") ;;
    --work) work=$2; shift ;;
    --out) out=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "bench/validity.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    *) [ -z "$checkout" ] || { echo "bench/validity.sh: one checkout only (got $checkout and $1)" >&2; exit 2; }; checkout=$1 ;;
  esac
  shift
done
[ -n "$checkout" ] || { usage >&2; exit 2; }
[ -f "$checkout/corpus/raw.csv" ] && [ -f "$checkout/corpus/individual_reader_ratings.csv" ] || {
  echo "bench/validity.sh: $checkout is not a checkout of JULIELab/EmoBank (no corpus/raw.csv, corpus/individual_reader_ratings.csv)" >&2
  exit 2
}
checkout=$(cd "$checkout" && pwd)
command -v jq >/dev/null || { echo "bench/validity.sh: needs jq (apt-get install jq)" >&2; exit 2; }

unset DISCERNUS_REDIS_URL
bench_build_cli
if [ -z "$raw_only" ] && ! "${discernus[@]}" run --help 2>&1 | grep -q -- '--calibrate'; then
  echo "bench/validity.sh: this build of discernus does not accept \`run --calibrate\` (see \`./discernus run --help\`):" >&2
  echo "  calibration is not in it yet. Measure the raw baseline with --raw-only, or build a tree that has calibration." >&2
  exit 3
fi

say "building bench/Discernus.Bench (Release)"
dotnet build "$bench_dir/Discernus.Bench/Discernus.Bench.csproj" -c Release -nologo -v q >&2
bench_dll="$bench_dir/Discernus.Bench/bin/Release/net10.0/Discernus.Bench.dll"

if [ -n "$work" ]; then
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
  rm -rf "$work/experiment" "$work/artifacts" "$work/runs.tsv"
else
  work="$bench_work/validity"
  mkdir -p "$work"
fi
experiment=$(dotnet "$bench_dll" emobank-build "$checkout" "$work" --framework "$bench_dir/emobank/framework.md" \
  --sentences "$sentences" --coded "$coded" --seed "$seed")
"${discernus[@]}" validate "$experiment" >"$bench_work/validate.out" 2>&1 || {
  cat "$bench_work/validate.out" >&2
  echo "bench/validity.sh: the built experiment does not validate" >&2
  exit 1
}

# One run: a fresh artifact store each (so every run pays the same cold costs: minilm embeds every sentence);
# appends "model scores folder seconds" to runs.tsv.
: >"$work/runs.tsv"
run_one() { # model raw|calibrated
  local model=$1 scores=$2 label="run-$1-$2" extra=()
  [ "$scores" = calibrated ] && extra=(--calibrate)
  say "discernus run --model $model ${extra[*]} ($sentences sentences)"
  DISCERNUS_ARTIFACTS_DIR="$work/artifacts/$model-$scores" timed "$label" "${discernus[@]}" run "$experiment" --model "$model" "${extra[@]}"
  if [ "$timed_status" -ne 0 ]; then
    tail -20 "$bench_work/$label.out" "$bench_work/$label.err" >&2
    if [ "$scores" = calibrated ] && grep -qi -- 'calibrate' "$bench_work/$label.err"; then
      echo "bench/validity.sh: the CLI rejected \`run --model $model --calibrate\` (above)" >&2
    else
      echo "bench/validity.sh: \`discernus run --model $model ${extra[*]}\` failed (exit $timed_status)" >&2
    fi
    exit 1
  fi
  local folder
  folder=$(sed -n 's/^Run folder: //p' "$bench_work/$label.out" | tail -1)
  [ -d "$folder" ] || folder=$(latest_run "$experiment")
  for f in results/synthesis/statistics.json results/exports/scores.csv; do
    [ -f "$folder/$f" ] || { echo "bench/validity.sh: $folder has no $f" >&2; exit 1; }
  done
  if ! jq -e '.validity' "$folder/results/synthesis/statistics.json" >/dev/null; then
    say "note: $folder's statistics.json has no \`validity\` (this build predates it): the run's own numbers come from reliability.comparisons, without intervals"
  fi
  printf '%s\t%s\t%s\t%s\n' "$model" "$scores" "$folder" "$timed_secs" >>"$work/runs.tsv"
}
for model in lexicon minilm; do run_one "$model" raw; done
if [ -z "$raw_only" ]; then
  for model in lexicon minilm; do run_one "$model" calibrated; done
fi

section=before
[ -z "$raw_only" ] && section=after
say "analysis: agreement on the coded and held-out sentences, $resamples bootstrap resamples"
dotnet "$bench_dll" emobank-analyse "$work" "$work/runs.tsv" --resamples "$resamples" --seed "$seed" --json "$work/analysis.json" >"$bench_work/tables.md"

commit=$(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$bench_root" status --porcelain --untracked-files=no -- src 2>/dev/null | head -1)
emobank_commit=$(git -C "$checkout" rev-parse --short HEAD 2>/dev/null || echo "not a git checkout")
{
  if [ "$section" = before ]; then
    echo "### Before: raw scores, no calibration"
  else
    echo "### After: raw and calibrated scores"
  fi
  echo
  echo "\`bench/validity.sh <emobank>${shown[*]:+ ${shown[*]}}\` on Discernus $commit${dirty:+ (with uncommitted changes in src/)}, EmoBank $emobank_commit:"
  echo "$(jq -r '"\(.sentences) sentences (\(.coded) coded, \(.sentences - .coded) held out) of \(.eligible) eligible, seed \(.seed); by genre: " + ([.genres | to_entries[] | "\(.key) \(.value.sampled)"] | join(", ")) + "; readers per sentence: " + ([.ratings_per_sentence | to_entries[] | "\(.key): \(.value)"] | join(", ")) + "."' "$work/build.json")"
  echo
  cat "$bench_work/tables.md"
  echo
  echo "_Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), .NET SDK $(dotnet --version), Release build; load average $(load_average) at the end; the machine is shared with other builds._"
} >"$bench_work/section.md"

if [ "$out" = - ]; then
  cat "$bench_work/section.md"
  exit 0
fi
[ -f "$out" ] || printf '# Validity on human-coded data (EmoBank)\n' >"$out"
if grep -qx "<!-- validity:$section -->" "$out"; then
  awk -v name="$section" -v file="$bench_work/section.md" '
    $0 == "<!-- validity:" name " -->" { print; while ((getline line < file) > 0) print line; skip = 1; next }
    $0 == "<!-- /validity:" name " -->" { skip = 0 }
    !skip { print }' "$out" >"$bench_work/doc" && cat "$bench_work/doc" >"$out"
else
  { echo; echo "<!-- validity:$section -->"; cat "$bench_work/section.md"; echo "<!-- /validity:$section -->"; } >>"$out"
fi
say "wrote the $section section into $out"
