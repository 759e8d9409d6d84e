# Shared helpers of the benchmark scripts (sourced, not run): the work folder, the CLI, redis-server and the
# simulated provider started on free loopback ports and stopped by their own process ids, synthetic corpora,
# manifest readers and small arithmetic. Every helper logs to stderr; the scripts print Markdown on stdout.
# shellcheck shell=bash

bench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_dir="$bench_root/bench"
cli_dll="$bench_root/.tools/cli/discernus.dll"

# One work folder per script, removed at exit with everything the script started.
bench_work=$(mktemp -d "${TMPDIR:-/tmp}/discernus-bench.XXXXXX")
bench_pids=()
bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${bench_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$bench_work"
}
trap bench_cleanup EXIT
export DISCERNUS_LOG_DIR="$bench_work/logs"

# Where measured runs' files go instead of being deleted between measurements (bench/run.sh shares one for all its
# scripts and deletes it at the very end). For minutes after tens of thousands of files are deleted, ext4 creates
# files much more slowly (it avoids reusing the freed inodes), so a run started after the last one's files were
# deleted paid for the benchmark's own cleanup, which no researcher's run follows: 3,200 documents, run setup
# 1.25-1.37 s against 0.35-0.54 s, the whole run 0.5-1 s longer (docs/benchmarks.md).
bench_spent=${BENCH_SPENT:-$bench_work/spent}

# set_aside PATH...: moves each existing path into $bench_spent (a rename on the same file system, no deletion).
set_aside() {
  local path
  mkdir -p "$bench_spent"
  for path in "$@"; do
    if [ -e "$path" ]; then
      mv "$path" "$(mktemp -u "$bench_spent/XXXXXXXX")"
    fi
  done
}

say() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# Builds the CLI once (./discernus rebuilds when sources changed), outside every measurement.
bench_build_cli() {
  "$bench_root/discernus" --version >/dev/null
}

# The CLI without the wrapper script, so /usr/bin/time and kill see the dotnet process itself: "${discernus[@]}" run ...
discernus=(dotnet "$cli_dll")

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

load_average() { cut -d' ' -f1 /proc/loadavg; }

# Waits up to $2 seconds for command $1 (a string, eval'd) to succeed.
wait_for() {
  local check=$1 limit=${2:-30} i
  for ((i = 0; i < limit * 10; i++)); do
    if eval "$check" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  say "gave up after ${limit}s waiting for: $check"
  return 1
}

# start_redis VAR: a throw-away redis-server (no persistence) on a free port; sets VAR to its URL, VAR_pid to its pid.
start_redis() {
  local var=$1 port dir
  port=$(free_port)
  dir="$bench_work/redis-$port"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/redis.log" &
  local pid=$!
  bench_pids+=("$pid")
  wait_for "redis-cli -p $port ping | grep -q PONG" 20
  printf -v "$var" 'redis://127.0.0.1:%s' "$port"
  printf -v "${var}_pid" '%s' "$pid"
  printf -v "${var}_port" '%s' "$port"
}

stop_pid() { # pid [signal]
  kill "-${2:-TERM}" "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# start_fake_llm VAR args...: `discernus dev fake-llm` on a free port; sets VAR to its base URL (…/v1), VAR_pid,
# VAR_stats (the /stats URL).
start_fake_llm() {
  local var=$1 out
  shift
  out="$bench_work/fake-llm-$RANDOM.out"
  "${discernus[@]}" dev fake-llm --port 0 "$@" >"$out" 2>&1 &
  local pid=$!
  bench_pids+=("$pid")
  wait_for "grep -q 'chat completions at' '$out'" 60
  local url
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/v1' "$out" | head -1)
  printf -v "$var" '%s' "$url"
  printf -v "${var}_pid" '%s' "$pid"
  printf -v "${var}_stats" '%s' "${url%/v1}/stats"
}

# A synthetic corpus of $1 documents of about $2 words (0 = the whole address): slices of the inaugural addresses,
# each made unique by one line so content addressing cannot deduplicate it. Prints the experiment folder.
make_corpus() { # n words
  local n=$1 words=${2:-300} dir="$bench_work/synthetic_${1}_${2:-300}"
  if [ -d "$dir" ]; then echo "$dir"; return; fi
  local src="$bench_root/projects/political_rhetoric"
  mkdir -p "$dir/corpus"
  cp "$src/framework.md" "$dir/"
  sed 's/experiment_name: political_rhetoric/experiment_name: synthetic_'"$n"'/' "$src/experiment.md" >"$dir/experiment.md"
  local snippets=() f
  for f in "$src"/corpus/*.txt; do
    if [ "$words" -gt 0 ]; then
      snippets+=("$(awk -v max="$words" '{ line = ""; for (i = 1; i <= NF && c < max; i++) { line = line (i > 1 ? " " : "") $i; c++ } print line; if (c >= max) exit }' "$f")")
    else
      snippets+=("$(cat "$f")")
    fi
  done
  local count=${#snippets[@]} i name
  {
    echo "# Synthetic corpus of $n documents"
    echo
    echo "Slices of about $words words of the twenty inaugural addresses of projects/political_rhetoric, made by bench/lib.sh."
    echo
    echo '```yaml'
    echo "name: synthetic_$n"
    echo 'version: "1.0"'
    echo "total_documents: $n"
    echo 'documents:'
    for ((i = 0; i < n; i++)); do
      printf -v name '%06d.txt' "$i"
      printf '%s\n[synthetic copy %d]\n' "${snippets[$((i % count))]}" "$i" >"$dir/corpus/$name"
      # One short line per document: a specification file may not exceed 5 MiB (ExperimentLimits), and 100,000
      # entries in the long form (filename, document_id, metadata) take 9.9 MB. Ids default to the file names.
      printf -- '- {file: %s, era: e%d, party: p%d}\n' "$name" $((i % 5)) $((i % 3))
    done
    echo '```'
  } >"$dir/corpus.md"
  echo "$dir"
}

# The newest run folder of an experiment.
latest_run() { ls -1dt "$1"/runs/*/ 2>/dev/null | head -1 || true; }

manifest() { jq -r "$2" "$1/manifest.json"; }
analysis_ms() { manifest "$1" '.stages[] | select(.name == "batch_analysis") | .duration_ms // "null"'; }
fake_stats() { curl -s "$1"; }
stat_of() { jq -r ".$2" <<<"$1"; }

# calc EXPR: floating-point arithmetic (awk), e.g. calc "3.2 / 1.5" -> 2.13
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed LABEL command...: runs the command with /usr/bin/time; sets timed_secs, timed_rss_mb, timed_status; output in
# $bench_work/LABEL.out and .err.
timed() {
  local label=$1
  shift
  timed_status=0
  /usr/bin/time -f "%e %M" -o "$bench_work/$label.time" "$@" >"$bench_work/$label.out" 2>"$bench_work/$label.err" || timed_status=$?
  local kb
  read -r timed_secs kb <"$bench_work/$label.time" || true
  # time(1) writes "Command exited with non-zero status N" before its numbers when the command failed.
  if ! [[ "$timed_secs" =~ ^[0-9.]+$ ]]; then read -r timed_secs kb < <(tail -1 "$bench_work/$label.time"); fi
  timed_rss_mb=$((${kb:-0} / 1024))
}

# summary "| what | result | target |": a row for the summary table bench/run.sh puts at the top of docs/benchmarks.md.
summary() {
  if [ -n "${BENCH_SUMMARY:-}" ]; then echo "$*" >>"$BENCH_SUMMARY"; fi
}
