#!/usr/bin/env bash
# Where the time of a run goes: the efficiency benchmark's embedded case (N documents against
# `discernus dev fake-llm --latency-ms 200 --concurrency 64`, `discernus run --concurrency 64`) once under
# dotnet-counters (CPU, GC, thread pool, allocation rate; CSV) and once under dotnet-trace (sampled thread time, summarised
# by bench/profile-summary.mjs into the frames with the most samples, inclusive and exclusive). The tools are
# installed from NuGet as local tools into bench/.tools (gitignored).
# Usage: bench/profile.sh [--documents N] [--keep DIR]   (default 3200; --keep copies the raw trace and CSV to DIR)
# Prints a Markdown section on stdout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

n=3200 keep=""
while [ $# -gt 0 ]; do
  case $1 in
    --documents) n=$2; shift ;;
    --keep) keep=$2; shift ;;
    *) echo "profile.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
tools="$bench_dir/.tools"
for tool in dotnet-counters dotnet-trace; do
  [ -x "$tools/$tool" ] || dotnet tool install --tool-path "$tools" "$tool" >&2
done

bench_build_cli
dir=$(make_corpus "$n" 300)
unset DISCERNUS_REDIS_URL
counters="System.Runtime,Microsoft.AspNetCore.Hosting,System.Net.Http"

say "profile: $n documents under dotnet-counters"
start_fake_llm llm --latency-ms 200 --concurrency 64
export DISCERNUS_OPENAI_COMPATIBLE_BASE_URL=$llm DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-counters"
"$tools/dotnet-counters" collect --format csv --refresh-interval 1 --counters "$counters" -o "$bench_work/counters.csv" \
  -- "${discernus[@]}" run "$dir" --model openai-compatible/fake --concurrency 64 >"$bench_work/counters.out" 2>&1
stop_pid "$llm_pid"
run=$(latest_run "$dir")
counters_analysis=$(calc "$(analysis_ms "$run") / 1000")
set_aside "$run"

say "profile: $n documents under dotnet-trace (sampled thread time)"
start_fake_llm llm --latency-ms 200 --concurrency 64
export DISCERNUS_OPENAI_COMPATIBLE_BASE_URL=$llm DISCERNUS_ARTIFACTS_DIR="$bench_work/artifacts-trace"
"$tools/dotnet-trace" collect --profile dotnet-sampled-thread-time --format speedscope -o "$bench_work/run.nettrace" \
  -- "${discernus[@]}" run "$dir" --model openai-compatible/fake --concurrency 64 >"$bench_work/trace.out" 2>&1
stop_pid "$llm_pid"
run=$(latest_run "$dir")
trace_analysis=$(calc "$(analysis_ms "$run") / 1000")
set_aside "$run"
if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$bench_work/counters.csv" "$bench_work"/run*.speedscope.json "$keep/"; fi

echo "## Profile (\`bench/profile.sh --documents $n\`)"
echo
echo "The embedded efficiency case, $n documents. Batch analysis took $counters_analysis s under dotnet-counters and"
echo "$trace_analysis s under dotnet-trace (ideal $(calc "$n * 200 / 64 / 1000") s)."
echo
echo "### Counters (dotnet-counters, 1 s samples during the whole run; median and maximum)"
echo
node "$bench_dir/profile-summary.mjs" counters "$bench_work/counters.csv"
echo
echo "### Where the threads spend their time (dotnet-trace, profile dotnet-sampled-thread-time, about 100 samples per second per thread)"
echo
node "$bench_dir/profile-summary.mjs" trace "$bench_work"/run*.speedscope.json
echo
