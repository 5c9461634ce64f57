#!/usr/bin/env bash
# Nothing is lost when digits is killed: SIGKILLs `digits samples --add-images` at random moments while it appends,
# and `digits learn` while it saves the personal model, then checks after each kill that the dataset reopens with
# every sample it had (each byte-identical to a source digit), that its IDX pair reads, and that the personal model
# loads and is either the previous one or a whole new one.
#   scripts/crash-test.sh [DIGITS_BINARY] [MNIST_DIR] [KILLS]    (defaults: .build/release/digits Data/mnist 20)
set -euo pipefail
cd "$(dirname "$0")/.."
digits=${1:-.build/release/digits} mnist=${2:-Data/mnist} kills=${3:-20}
[[ -x "$digits" ]] || { echo "crash-test: no executable at $digits (swift build -c release first)" >&2; exit 1; }
scratch=$(mktemp -d) pid=""
trap '[[ -n "$pid" ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$scratch"' EXIT
data=$scratch/data failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# 300 MNIST test digits as an IDX pair to add.
python3 - "$mnist" "$scratch" <<'PY'
import gzip, os, struct, sys
mnist, out = sys.argv[1], sys.argv[2]
def read(stem):
    for name in (stem, stem.replace("-idx", ".idx")):
        for path in (os.path.join(mnist, name), os.path.join(mnist, name) + ".gz"):
            if os.path.exists(path):
                return (gzip.open if path.endswith(".gz") else open)(path, "rb").read()
    sys.exit(f"crash-test: no {stem} in {mnist}")
images, labels, n = read("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte"), 300
open(os.path.join(out, "add-images"), "wb").write(struct.pack(">IIII", 2051, n, 28, 28) + images[16:16 + n * 784])
open(os.path.join(out, "add-labels"), "wb").write(struct.pack(">II", 2049, n) + labels[8:8 + n])
PY

# How many samples the dataset holds; 0 before its files exist (a kill at start-up, before the first append).
count() {
    "$digits" samples --data-dir "$data" 2>>"$scratch/notices" \
        | sed -n -e 's/^\([0-9]*\) samples in .*/\1/p' -e 's/^no samples yet in .*/0/p'
}
# Every stored digit must be byte-identical to one of the added digits with the same label.
check_samples() {
    python3 - "$scratch" "$data" <<'PY'
import os, sys
scratch, data = sys.argv[1], sys.argv[2]
source = open(os.path.join(scratch, "add-images"), "rb").read()[16:]
labels = open(os.path.join(scratch, "add-labels"), "rb").read()[8:]
known = {(source[i * 784:(i + 1) * 784], labels[i]) for i in range(len(labels))}
if not os.path.exists(os.path.join(data, "samples-images-idx3-ubyte")):
    sys.exit(0)  # nothing stored yet, so nothing damaged; `count` says whether anything was lost
stored = open(os.path.join(data, "samples-images-idx3-ubyte"), "rb").read()[16:]
stored_labels = open(os.path.join(data, "samples-labels-idx1-ubyte"), "rb").read()[8:]
bad = [i for i in range(len(stored_labels)) if (stored[i * 784:(i + 1) * 784], stored_labels[i]) not in known]
sys.exit(f"{len(bad)} stored digits are not the added ones" if bad else 0)
PY
}

echo "== SIGKILL while appending ($kills times)"
before=0
# A run takes about a tenth of a second; the kills land anywhere from start-up to just after it ends.
delays=($(python3 -c "import random, sys; print(*(random.uniform(0.0, 0.15) for _ in range(int(sys.argv[1]))))" "$kills"))
for i in $(seq "$kills"); do
    "$digits" samples --data-dir "$data" --add-images "$scratch/add-images" --add-labels "$scratch/add-labels" \
        >/dev/null 2>>"$scratch/notices" & pid=$!
    sleep "${delays[i - 1]}"
    kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""
    after=$(count) || { fail "kill $i: the dataset does not reopen"; continue; }
    if [[ -z "$after" || "$after" -lt "$before" ]]; then fail "kill $i: ${after:-no} samples after, $before before"; fi
    check_samples || fail "kill $i: a stored digit is damaged"
    # A kill before the first sample lands leaves an empty pair, which eval refuses with one line.
    if [[ "${after:-0}" -gt 0 ]]; then
        "$digits" eval --images "$data/samples-images-idx3-ubyte" --labels "$data/samples-labels-idx1-ubyte" --json \
            >/dev/null || fail "kill $i: eval cannot read the IDX pair"
    elif [[ -e "$data/samples-images-idx3-ubyte" ]]; then
        message=$("$digits" eval --images "$data/samples-images-idx3-ubyte" \
            --labels "$data/samples-labels-idx1-ubyte" 2>&1 >/dev/null) && fail "kill $i: eval accepted an empty set"
        [[ "$message" == *"holds no images"* ]] || fail "kill $i: eval on an empty set said '$message'"
    fi
    before=${after:-$before}
done
pass "$kills kills while appending: $before samples kept, every one intact; the IDX pair reads after each"
grep -h "dropped\|set aside" "$scratch/notices" | sort | uniq -c | sed 's/^/  reported: /' || true

echo "== SIGKILL while saving the personal model"
# Learning needs samples: should every kill above have landed before the first append, add them whole.
[[ "$before" -gt 0 ]] || "$digits" samples --data-dir "$data" --add-images "$scratch/add-images" \
    --add-labels "$scratch/add-labels" >/dev/null
"$digits" learn --data-dir "$data" --mnist "$mnist" --steps 2 >/dev/null
model=$data/personal.safetensors hits=0
for i in $(seq 5); do
    previous=$(md5sum <"$model")
    "$digits" learn --data-dir "$data" --mnist "$mnist" --steps 2 --seed $((i + 1)) >/dev/null 2>&1 & pid=$!
    # Kill as soon as the temporary file of the save appears.
    while kill -0 "$pid" 2>/dev/null && ! compgen -G "$data/.personal.safetensors.$pid.partial" >/dev/null; do
        sleep 0.002
    done
    kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    [[ -e "$data/.personal.safetensors.$pid.partial" ]] && hits=$((hits + 1))
    pid=""
    "$digits" eval --model "$model" --images "$data/samples-images-idx3-ubyte" \
        --labels "$data/samples-labels-idx1-ubyte" --json >/dev/null || fail "save $i: the personal model does not load"
    now=$(md5sum <"$model")
    [[ "$now" == "$previous" ]] && echo "  kill $i: the previous model is in place" || echo "  kill $i: the new model is in place, whole"
    [[ -n "$(count)" ]] || fail "save $i: the dataset does not reopen"
done
ls -a "$data" | grep -q '\.partial$' && fail "temporary files of killed saves were not cleared" || true
pass "5 kills while learning ($hits inside the save itself): the personal model loads after each"

((failures == 0)) || { echo "crash-test: $failures failures" >&2; exit 1; }
