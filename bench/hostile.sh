#!/usr/bin/env bash
# The hostile inputs of issue 14, measured: each case in a process of its own under /usr/bin/time (wall seconds, peak
# RSS), first the reader alone (bench/Discernus.Bench), then the CLI on a copy of projects/nano that holds the input
# (validate; run with the lexicon for the 19 MB single-line document), then `discernus serve` on a projects folder
# with a PDF bomb: ten GET / in a row (curl's time per request) and the server's peak RSS (VmHWM). Prints a Markdown
# section; the inputs are made by the same code as the tests' (tests/Discernus.Tests/Infrastructure/HostileFiles.cs).
# Usage: bench/hostile.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_build_cli
dotnet build "$bench_root/bench/Discernus.Bench" -c Release -nologo -v q >/dev/null
bench=(dotnet "$bench_root/bench/Discernus.Bench/bin/Release/net10.0/Discernus.Bench.dll")

# timed LABEL command...: one row "| LABEL | outcome | s | MB |" from /usr/bin/time -f "%e %M".
timed() {
  local label=$1 out="$bench_work/timed.out" times="$bench_work/timed.time" code=0
  shift
  /usr/bin/time -f "%e %M" -o "$times" "$@" >"$out" 2>&1 || code=$?
  local seconds kb outcome
  read -r seconds kb <"$times"
  outcome=$(grep -m1 -oE "(document_over_limit|too_many_dimensions|metadata_value_too_long|extracted_text_too_large)[^|]{0,70}|accepted[^|]*|analysed[^|]*|completed[^|]{0,40}|is valid" "$out" || true)
  [ -n "$outcome" ] || outcome="exit $code"
  echo "| $label | ${outcome//|/\\|} | $seconds | $((kb / 1024)) |"
}

say "readers alone"
echo "| case | outcome | seconds | peak RSS MB |"
echo "|---|---|---|---|"
timed "PDF of 600,000 Tj lines (147 KB-class), extraction" "${bench[@]}" hostile pdf-lines
timed "PDF inflating to 1 GiB of spaces, extraction" "${bench[@]}" hostile pdf-air
timed "19 MB single-line document, lexicon analysis + validation + quote check" "${bench[@]}" hostile lexicon-single-line 19

say "the CLI"
for kind in pdf-lines pdf-air metadata dimensions single-line; do
  "${bench[@]}" hostile experiment "$kind" "$bench_work/$kind"
done
timed "validate: PDF of 600,000 Tj lines" "${discernus[@]}" validate "$bench_work/pdf-lines"
timed "validate: PDF inflating to 1 GiB" "${discernus[@]}" validate "$bench_work/pdf-air"
timed "validate: 1 MB metadata value" "${discernus[@]}" validate "$bench_work/metadata"
timed "validate: 500 dimensions" "${discernus[@]}" validate "$bench_work/dimensions"
timed "run --model lexicon: 19 MB single-line document (+ nano's 2)" "${discernus[@]}" run "$bench_work/single-line" --model lexicon

say "serve with a PDF bomb in its projects folder"
projects="$bench_work/projects"
mkdir -p "$projects"
cp -r "$bench_work/pdf-lines" "$projects/bomb_lines"
cp -r "$bench_work/pdf-air" "$projects/bomb_air"
port=$(free_port)
"${discernus[@]}" serve "$projects" --port "$port" >"$bench_work/serve.out" 2>&1 &
serve_pid=$!
bench_pids+=("$serve_pid")
wait_for "curl -sf -o /dev/null http://127.0.0.1:$port/static/app.css" 60
times=()
for i in $(seq 1 10); do
  times+=("$(curl -s -o "$bench_work/page-$i.html" -w '%{time_total}' "http://127.0.0.1:$port/")")
done
# The first requests may show "validating…"; once both folders show their finding, ten more.
wait_for "curl -s http://127.0.0.1:$port/ | grep -q 'inflates to more than' && curl -s http://127.0.0.1:$port/ | grep -q 'draws more than'" 120
after=()
for i in $(seq 1 10); do
  after+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/")")
done
hwm=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$serve_pid/status")
rss=$(awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$serve_pid/status")
stop_pid "$serve_pid"
max() { printf '%s\n' "$@" | sort -g | tail -1; }
echo "| serve, two PDF bombs: 10 × GET / from start (first validation in the background) | slowest $(max "${times[@]}") s | ${times[*]} | |"
echo "| serve, two PDF bombs: 10 × GET / once validated | slowest $(max "${after[@]}") s | ${after[*]} | peak $hwm (now $rss) |"
