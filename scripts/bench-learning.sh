#!/usr/bin/env bash
# What learning a hand is worth, and what it costs: on the synthetic writer of `digits learn-bench` (2,000 MNIST
# test digits in one slanted, bolder hand), the shipped model's accuracy on the writer's digits before and after
# learning from 10 of each digit, MNIST test accuracy after, and the wall time of the whole `digits learn` command.
# Targets: learning closes at least half the gap to 100%, MNIST stays at 99.5% or more, and learning from the 100
# samples takes 20 s or less on a 2-core machine (a release build; figures vary with what else the machine runs).
#   scripts/bench-learning.sh [DIGITS_BINARY] [MNIST_DIR]    (defaults: .build/release/digits Data/mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
digits=${1:-.build/release/digits} mnist=${2:-Data/mnist}
[[ -x "$digits" ]] || { echo "bench-learning: no executable at $digits (swift build -c release first)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
percent() { python3 -c 'import sys; print("%.2f%%" % (100 * float(sys.argv[1])))' "$1"; }

echo "== in one process: digits learn-bench --json --export (machine load: $(cut -d' ' -f1-3 /proc/loadavg))"
bench=$("$digits" learn-bench --data "$mnist" --json --export "$scratch")
echo "$bench"

echo "== the command a person runs: digits learn --images ... --preprocess"
learn=("$digits" learn --images "$scratch/writer-learn-images-idx3-ubyte" --labels "$scratch/writer-learn-labels-idx1-ubyte"
       --preprocess --mnist "$mnist" --output "$scratch/personal.safetensors")
echo "${learn[*]}"
start=$(date +%s.%N)
"${learn[@]}"
seconds=$(python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$start" "$(date +%s.%N)")
others=(--images "$scratch/writer-others-images-idx3-ubyte" --labels "$scratch/writer-others-labels-idx1-ubyte" --preprocess)
writer_before=$(field "$("$digits" eval "${others[@]}" --json)" accuracy)
writer_after=$(field "$("$digits" eval --model "$scratch/personal.safetensors" "${others[@]}" --json)" accuracy)
mnist_after=$(field "$("$digits" eval --model "$scratch/personal.safetensors" --data "$mnist" --json)" accuracy)

echo
echo "writer's other digits   $(percent "$writer_before") -> $(percent "$writer_after")"
echo "MNIST test after        $(percent "$mnist_after")"
echo "digits learn, whole     $seconds s (in learn-bench, fine-tuning alone: $(field "$bench" learn_seconds) s wall," \
     "$(field "$bench" learn_cpu_seconds) s of processor time)"
python3 - "$writer_before" "$writer_after" "$mnist_after" "$seconds" <<'PY'
import sys
before, after, mnist, seconds = map(float, sys.argv[1:])
closed = (after - before) / (1 - before)
checks = [(f"gap closed {closed:.0%} (at least 50%)", closed >= 0.5), (f"MNIST {mnist:.2%} (at least 99.5%)", mnist >= 0.995),
          (f"{seconds:.1f} s (at most 20 s)", seconds <= 20)]
for text, ok in checks:
    print(("PASS: " if ok else "MISS: ") + text)
PY
