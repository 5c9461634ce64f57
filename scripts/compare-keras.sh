#!/usr/bin/env bash
# Side by side in one sitting on this machine: `digits bench` and the same networks in Keras (TensorFlow on the
# CPU), run alternately, then medians (with each side's lowest and highest) and ratios (of the medians, and the
# lowest and highest of the rounds') as a Markdown table naming the machine.
#   scripts/compare-keras.sh [ROUNDS]     (default 3; each round measures every architecture on both sides)
# tensorflow-cpu goes into a virtual environment of its own, .venv-keras/ (git-ignored), the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare-keras: ROUNDS must be a positive number, not '$rounds'" >&2; exit 2; }

venv=.venv-keras
if ! "$venv/bin/python" -c "import tensorflow" 2>/dev/null; then
    echo "compare-keras: installing tensorflow-cpu into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q tensorflow-cpu numpy
fi
swift build -c release -q
digits=.build/release/digits

results=$(mktemp); trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
    for arch in convnet bnnet; do
        echo "compare-keras: round $round/$rounds, $arch" >&2
        printf 'digits %s\n' "$("$digits" bench --arch "$arch" --json)" >>"$results"
        printf 'keras %s\n' "$("$venv/bin/python" scripts/keras-bench.py --arch "$arch")" >>"$results"
    done
done

python3 - "$results" <<'PY'
import json, os, platform, statistics, sys

rows = {}
for line in open(sys.argv[1]):
    side, text = line.split(" ", 1)
    record = json.loads(text)
    arch = record["arch"].removeprefix("keras-")
    rows.setdefault((arch, side), []).append(record)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
flags = next((l for l in open("/proc/cpuinfo") if l.startswith("flags")), "")
vector = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
keras = next(iter(r for (a, s), l in rows.items() if s == "keras" for r in l))
sgemm = statistics.median(r["sgemm_gflop_per_s"] for (a, s), l in rows.items() if s == "digits" for r in l)
cores = sorted({r.get("blas_core", "?") for (a, s), l in rows.items() if s == "digits" for r in l})
print(f"Machine: {cpu}, {os.cpu_count()} cores, {vector}; TensorFlow {keras['tensorflow']}, Keras {keras['keras']}; "
      f"OpenBLAS {'/'.join(cores)} kernels, SGEMM {sgemm:.0f} GFLOP/s (median); "
      f"medians of {len(next(iter(rows.values())))} alternating rounds.")
print()
print("| | digits | Keras | ratio | each round's ratio |")
print("| --- | --- | --- | --- | --- |")
measures = [("training (img/s)", "train_img_per_s", True), ("batch inference (img/s)", "infer_img_per_s", True),
            ("single-image latency (us)", "latency_us", False), ("peak memory (MB)", "peak_rss_mb", False)]

def spread(values):
    """The median, and the lowest and highest value in brackets."""
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"

for arch in ["convnet", "bnnet"]:
    for title, key, higher in measures:
        ours = [r[key] for r in rows[(arch, "digits")]]
        theirs = [r[key] for r in rows[(arch, "keras")]]
        ratio = statistics.median(ours) / statistics.median(theirs)
        # The rounds alternate, so round i of each side ran minutes apart on the same neighbours.
        rounds = [a / b for a, b in zip(ours, theirs)]
        if not higher:
            ratio, rounds = 1 / ratio, [1 / r for r in rounds]
        print(f"| {arch} {title} | {spread(ours)} | {spread(theirs)} | {ratio:.2f}x | "
              f"{min(rounds):.2f}-{max(rounds):.2f}x |")
PY
