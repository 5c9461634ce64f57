#!/usr/bin/env bash
# Fuzzes the file readers with libFuzzer under AddressSanitizer. Builds Fuzz/ (one binary with a harness per
# reader), then runs every harness that has a seed corpus in Fuzz/Corpus/<harness>/ for SECONDS each, one after
# another, and prints each one's executions and duration. Exits non-zero if any harness crashed, leaked, timed out,
# ran out of memory or broke a promise (an error that is not one line naming the file); the input that did it is
# kept in artifacts/fuzz/. Inputs that found new paths accumulate in .build-fuzz/corpus/ for the next run.
#   scripts/fuzz.sh [SECONDS]     (default 60)
#   scripts/fuzz.sh 60 png pgm    only the named harnesses
# A new harness is one line in Fuzz/Harnesses/Harnesses.swift plus its seed files; scripts/fuzz-corpus.py
# rewrites the committed seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz: SECONDS must be a positive whole number" >&2; exit 2; }

# SwiftPM passes each --sanitize as its own -sanitize= flag and swiftc keeps only the last, so the Swift code is
# also given both at once; -enable-testing lets the harnesses call the readers' internal entry points; lld links
# the sanitizer runtimes without gold's warnings. Without manifest caching, files added to the main package since
# the last fuzz build are seen.
build=(swift build -c release --package-path Fuzz --scratch-path .build-fuzz --disable-build-manifest-caching
       --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
       -Xswiftc -use-ld=lld)
echo "fuzz: building the harnesses"
mkdir -p artifacts/fuzz
if ! "${build[@]}" >artifacts/fuzz/build.log 2>&1; then
    grep -E "error" artifacts/fuzz/build.log | head -n 20 >&2
    echo "fuzz: the build failed (artifacts/fuzz/build.log)" >&2
    exit 1
fi
binary="$("${build[@]}" --show-bin-path)/digits-fuzz"

if (($#)); then names=("$@"); else names=(); for dir in Fuzz/Corpus/*/; do names+=("$(basename "$dir")"); done; fi
failed=0
for name in "${names[@]}"; do
    [[ -d "Fuzz/Corpus/$name" ]] || { echo "fuzz: no seed corpus Fuzz/Corpus/$name" >&2; failed=1; continue; }
    work=".build-fuzz/corpus/$name" log="artifacts/fuzz/$name.log"
    mkdir -p "$work"
    start=$(date +%s)
    status=0
    # The Swift runtime's own crash reporter is off so that libFuzzer sees the signal and saves the input; leaks
    # that are Foundation's own, not the readers', are suppressed (scripts/lsan.supp says which).
    DIGITS_FUZZ_HARNESS=$name SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp" "$binary" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/fuzz/$name-" "$work" \
        "Fuzz/Corpus/$name" >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if ((status == 0)); then
        verdict="ok"
    else
        failed=1
        verdict="FAILED (exit $status): $(grep -m1 -E "^SUMMARY|ERROR: libFuzzer|ALARM|Fatal error" "$log" || tail -1 "$log")"
        verdict+="; input and log in artifacts/fuzz/"
    fi
    printf 'fuzz: %-12s %10s executions in %4d s  %s\n' "$name" "${executions:-?}" "$elapsed" "$verdict"
done
exit "$failed"
