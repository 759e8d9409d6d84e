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

# timed LABEL command...: one row "| LABEL | outcome | seconds | wall s | peak RSS MB |" from /usr/bin/time -f "%e %M"
# (its last line: a failing command adds one before it). The bench's own cases print "case<TAB>outcome<TAB>seconds",
# the time of the reader alone (making the hostile input is not the reader's cost); for the CLI both are the wall time.
timed() {
  local label=$1 out="$bench_work/timed.out" times="$bench_work/timed.time" code=0
  shift
  /usr/bin/time -f "%e %M" -o "$times" "$@" >"$out" 2>&1 || code=$?
  local wall kb outcome seconds
  read -r wall kb < <(tail -1 "$times")
  if grep -q $'\t' "$out"; then
    outcome=$(tail -1 "$out" | cut -f2 | cut -c1-110)
    seconds=$(tail -1 "$out" | cut -f3)
  else
    outcome=$(grep -m1 -oE "page [0-9]+ draws more than [0-9,]+ operators and glyphs|streams inflates to more than [0-9,]+ bytes|declares [0-9,]+ dimensions, over the limit of [0-9,]+|is [0-9,]+ characters, over the limit of [0-9,]+|Run [^ ]+: [a-z_]+ in [0-9.]+ s|is valid" "$out" || true)
    [ -z "$outcome" ] || [ "$code" -eq 0 ] || outcome="refused (exit $code): $outcome"
    seconds=$wall
  fi
  [ -n "$outcome" ] || outcome="exit $code"
  echo "| $label | ${outcome//|/\\|} | $seconds | $wall | $((kb / 1024)) |"
}

say "readers alone"
echo "| case | outcome | seconds | wall s (process) | peak RSS MB |"
echo "|---|---|---|---|---|"
timed "PDF of 600,000 Tj lines (147 KB-class), extraction" "${bench[@]}" hostile pdf-lines
timed "PDF inflating to 1 GiB of spaces, extraction" "${bench[@]}" hostile pdf-air
timed "19 MB single-line document, lexicon analysis + validation + quote check" "${bench[@]}" hostile lexicon-single-line 19
timed "19 MB document of one sentence per line, the same" "${bench[@]}" hostile lexicon-multi-line

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
echo "| serve, two PDF bombs: 10 × GET / from start (first validation in the background) | slowest $(max "${times[@]}") s | ${times[*]} | | |"
if [ -n "${BENCH_SUMMARY:-}" ]; then
  echo "| Hostile inputs: serve with two PDF bombs, slowest of 10 × GET / once validated; peak RSS | **$(max "${after[@]}") s**, $hwm MB | < 1 s each, < 500 MB |" >>"$BENCH_SUMMARY"
fi
echo "| serve, two PDF bombs: 10 × GET / once validated | slowest $(max "${after[@]}") s | ${after[*]} | | $hwm peak ($rss now) |"
