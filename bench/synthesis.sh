#!/usr/bin/env bash
# The SYNTHESIS stage alone, in a process of its own (its peak memory is otherwise hidden under the batch analysis's):
# stores the analysis results of a finished run COPIES times over (each copy a different document) in a scratch folder
# store, then runs the SynthesisAgent on them with the lexicon and prints a Markdown row: analyses, wall time, peak RSS.
# Usage: bench/synthesis.sh <run-folder> [copies]   e.g. a 10,000-document run and 10 copies = 100,000 analyses.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run=$(cd "$1" && pwd); copies=${2:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build "$here/bench/Discernus.Bench" -c Release -nologo -v q >/dev/null
bench="$here/bench/Discernus.Bench/bin/Release/net10.0/Discernus.Bench.dll"
dotnet "$bench" synthesis-setup "$run" "$copies" "$work" >/dev/null
dotnet "$bench" synthesis "$work"
