#!/usr/bin/env bash
# Discernus benchmarks, one command. Runs the five benchmarks of issue 7 — pipeline efficiency against the simulated
# provider (embedded and 3 workers on redis-server), coordination throughput against BullMQ and redis-benchmark,
# the response cache, scale offline, faults — and the end-to-end table, then writes the numbers with the machine and
# the commands into docs/benchmarks.md, between its `<!-- bench:NAME -->` markers (prose outside them is kept).
#
# Usage: bench/run.sh [--full] [--only efficiency,coordination,cache,scale,offline,faults,endtoend,hostile] [--out FILE|-]
#   quick (default): efficiency at N = 1,000 once, scale at 10,000 — about 10 minutes on 2 cores
#   --full:          efficiency at N = 3,200 three times per set-up, scale at 10,000 and 100,000 (each run stopped
#                    after an hour; 100,000 documents take longer today)
#   --out -          print the Markdown instead of writing docs/benchmarks.md
# Each part is also a script of its own (bench/efficiency.sh, coordination.sh, cache.sh, scale.sh, faults.sh,
# endtoend.sh, hostile.sh: the hostile inputs of issue 14; offline.sh: lexicon and minilm throughput and a short run's
# start, minilm only with DISCERNUS_BENCH_EMOBANK set to an EmoBank checkout) printing its Markdown section. What they
# need is installed here: redis-server and node/npm through scripts/install-test-deps.sh, jq from Debian, BullMQ from
# npm into bench/.tools/bullmq (gitignored).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

all=(efficiency coordination cache scale offline faults endtoend hostile)
only=("${all[@]}") full="" out="$here/docs/benchmarks.md"
while [ $# -gt 0 ]; do
  case $1 in
    --full) full="--full" ;;
    --only) IFS=, read -r -a only <<<"$2"; shift ;;
    --out) out=$2; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for part in "${only[@]}"; do
  [ -x "$here/bench/$part.sh" ] || { echo "bench/run.sh: no benchmark '$part' (choose from ${all[*]})" >&2; exit 2; }
done

"$here/scripts/install-test-deps.sh" >&2
if ! command -v jq >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq jq curl >/dev/null
fi
"$here/discernus" --version >/dev/null

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
export BENCH_SUMMARY="$results/summary"
# Every script sets measured runs' files aside here (bench/lib.sh, set_aside); deleted when all are done.
export BENCH_SPENT="$results/spent"
: >"$BENCH_SUMMARY"
started=$(date -u +%Y-%m-%dT%H:%MZ)
for part in "${only[@]}"; do
  echo "[bench] ---- $part ${full:-(quick)} ----" >&2
  load=$(cut -d' ' -f1 /proc/loadavg)
  begun=$(date +%s)
  status=0
  "$here/bench/$part.sh" $full >"$results/$part.body" 2> >(tee "$results/$part.log" >&2) || status=$?
  {
    cat "$results/$part.body"
    if [ "$status" -ne 0 ]; then
      echo "**bench/$part.sh failed (exit $status)**; its log ended with:"
      echo
      echo '```'
      tail -5 "$results/$part.log"
      echo '```'
      echo
    fi
    echo "_Measured $(date -u +%Y-%m-%d) in $(($(date +%s) - begun)) s; load average $load when it began, $(cut -d' ' -f1 /proc/loadavg) when it ended._"
  } >"$results/$part.md"
done

runtime=$(dotnet --list-runtimes | grep -o 'Microsoft.NETCore.App [0-9.]*' | tail -1 | cut -d' ' -f2)
{
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(. /etc/os-release && echo "$PRETTY_NAME"),"
  echo "Linux $(uname -r); .NET SDK $(dotnet --version), runtime $runtime, Release build; redis-server $(redis-server --version | grep -o 'v=[0-9.]*' | cut -d= -f2);"
  echo "Node.js $(node --version). The machine is shared with other engineers' builds and tests: each section gives the load"
  echo "average around it, and single runs on 2 cores vary by ±10 % or more."
  echo
  echo "Last command: \`bench/run.sh${full:+ $full}${only[*]:+ --only $(IFS=,; echo "${only[*]}")}\`, started $started."
} >"$results/machine.md"
if [ ${#only[@]} -eq ${#all[@]} ]; then
  {
    echo "| benchmark | result | target |"
    echo "|---|---|---|"
    cat "$BENCH_SUMMARY"
  } >"$results/summary.md"
fi

if [ "$out" = - ]; then
  for part in machine summary "${only[@]}"; do [ -f "$results/$part.md" ] && { cat "$results/$part.md"; echo; }; done
  exit 0
fi

# Replace each measured section between its markers; a section the document lacks goes at the end.
for part in machine summary "${only[@]}"; do
  [ -f "$results/$part.md" ] || continue
  if grep -qx "<!-- bench:$part -->" "$out"; then
    awk -v name="$part" -v file="$results/$part.md" '
      $0 == "<!-- bench:" name " -->" { print; while ((getline line < file) > 0) print line; skip = 1; next }
      $0 == "<!-- /bench:" name " -->" { skip = 0 }
      !skip { print }' "$out" >"$results/doc" && cat "$results/doc" >"$out"
  else
    { echo; echo "<!-- bench:$part -->"; cat "$results/$part.md"; echo "<!-- /bench:$part -->"; } >>"$out"
  fi
done
echo "[bench] wrote ${only[*]} into $out" >&2
