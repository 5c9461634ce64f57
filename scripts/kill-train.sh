#!/usr/bin/env bash
# Files never lost: starts a short `digits train` again and again and SIGKILLs it, half the time at a random moment
# of the run and half the time while it is writing its checkpoint or its model. After every kill, whichever of the
# model and the checkpoint exist must load (`digits eval` on 100 test images), and no temporary file may stand in
# for either. A last, uninterrupted run must then leave only the model: the temporaries of killed writes cleared,
# the checkpoint removed. Also checks that an output folder that does not exist is refused at once, in one line.
#   scripts/kill-train.sh [DIGITS_BINARY] [SECONDS]     (default: .build/release/digits, 90 s of kills)
set -euo pipefail
cd "$(dirname "$0")/.."
digits=${1:-.build/release/digits}
budget=${2:-90}
data=Data/mnist
[[ -x "$digits" ]] || { echo "kill-train: no executable at $digits (swift build -c release first)" >&2; exit 1; }
ls "$data"/t10k-images* >/dev/null 2>&1 || { echo "kill-train: no MNIST in $data (scripts/fetch-mnist.sh)" >&2; exit 1; }

scratch=$(mktemp -d) pid=""
cleanup() {
    if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
failures=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
started=$(date +%s)

# The output's folder is checked before any data is read.
status=0
begin=$(date +%s%N)
message=$("$digits" train --data "$data" --output "$scratch/missing/x.safetensors" 2>&1 >/dev/null) || status=$?
milliseconds=$((($(date +%s%N) - begin) / 1000000))
if ((status != 0 && milliseconds < 1000)) && [[ $(wc -l <<<"$message") -eq 1 ]] && grep -q "no such folder" <<<"$message"; then
    pass "a missing output folder is refused in $milliseconds ms: '$message'"
else
    fail "a missing output folder: exit $status after $milliseconds ms, said '$message'"
fi

# 100 test images and their labels, for checking that a file loads.
python3 - "$data" "$scratch" <<'PY'
import gzip, os, struct, sys
data, out = sys.argv[1], sys.argv[2]
def read(stem):
    for name in (stem.replace(".idx", "-idx"), stem):
        for suffix in ("", ".gz"):
            path = os.path.join(data, name + suffix)
            if os.path.exists(path):
                return (gzip.open if suffix else open)(path, "rb").read()
    sys.exit(f"kill-train: no {stem} in {data}")
images, labels = read("t10k-images.idx3-ubyte"), read("t10k-labels.idx1-ubyte")
open(os.path.join(out, "images"), "wb").write(struct.pack(">IIII", 2051, 100, 28, 28) + images[16:16 + 100 * 784])
open(os.path.join(out, "labels"), "wb").write(struct.pack(">II", 2049, 100) + labels[8:108])
PY

folder="$scratch/runs" model="$scratch/runs/m.safetensors"
checkpoint="$model.checkpoint"
mkdir -p "$folder"
train=("$digits" train --data "$data" --arch convnet --limit 3000 --epochs 3 --batch-size 64 --seed 1 --output "$model")
loads() { "$digits" eval --model "$1" --images "$scratch/images" --labels "$scratch/labels" >/dev/null 2>"$scratch/eval.err"; }

# Kills the trainer `$1` while it writes: when a temporary file of its own appears for the `$2`-th time (counting
# from 0), after up to 2 ms more. Prints "write" when it struck, "late" when the run ended first (or a write was
# too quick to be seen).
kill_during_write() {
    python3 - "$1" "$folder" "$2" <<'PY'
import os, random, signal, sys, time
pid, folder, skip = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
marker, seen, present = f".{pid}.partial", 0, False
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().split(") ")[1][0] == "Z":
                break  # it finished on its own
    except OSError:  # gone: reaped already
        break
    now = any(name.endswith(marker) for name in os.listdir(folder))
    if now and not present:
        if seen == skip:
            time.sleep(random.uniform(0, 0.002))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                break  # it finished meanwhile
            print("write")
            sys.exit()
        seen += 1
    present = now
print("late")
PY
}

# Checks what a killed run left: the model and checkpoint, where present, load; temporaries have hidden names.
check_files() {
    local label=$1 file
    for file in "$model" "$checkpoint"; do
        [[ -e "$file" ]] || continue
        if loads "$file"; then loaded=$((loaded + 1)); else
            mkdir -p artifacts
            cp "$file" "artifacts/kill-train-$(basename "$file")"
            fail "$label: $(basename "$file") does not load: $(head -n 1 "$scratch/eval.err") (kept in artifacts/)"
        fi
    done
}

# One uninterrupted run first, to know how long a run takes.
begin=$(date +%s%N)
"${train[@]}" >"$scratch/train.log" 2>&1 || { fail "an uninterrupted run failed: $(tail -n 1 "$scratch/train.log")"; exit 1; }
run_ms=$((($(date +%s%N) - begin) / 1000000))
echo "kill-train: an uninterrupted run takes $run_ms ms"

runs=0 resumed=0 at_random=0 during_writes=0 finished=0 loaded=0 most_temporaries=0
running() { [[ -r /proc/$pid/stat ]] && ! grep -q ') Z ' "/proc/$pid/stat" 2>/dev/null; }
while (($(date +%s) - started < budget)); do
    args=("${train[@]}")
    if [[ -e "$checkpoint" ]] && ((RANDOM % 2)); then args+=(--resume); resumed=$((resumed + 1)); fi
    "${args[@]}" >"$scratch/train.log" 2>&1 &
    pid=$! runs=$((runs + 1))
    if ((RANDOM % 2)); then
        if [[ $(kill_during_write "$pid" $((RANDOM % 4))) == write ]]; then
            during_writes=$((during_writes + 1))
        else
            finished=$((finished + 1))
        fi
    else
        sleep "$(awk -v ms="$run_ms" -v r="$RANDOM" 'BEGIN { printf "%.3f", ms * r / 32768 / 1000 }')"
        if running && kill -9 "$pid" 2>/dev/null; then at_random=$((at_random + 1)); else finished=$((finished + 1)); fi
    fi
    { wait "$pid"; } 2>/dev/null || true
    pid=""
    check_files "run $runs"
    temporaries=$(find "$folder" -name '*.partial' | wc -l)
    ((temporaries > most_temporaries)) && most_temporaries=$temporaries
done
pass "$runs runs ($resumed resumed): $during_writes killed while writing a checkpoint or the model, $at_random at random moments, $finished finished; all $loaded model and checkpoint files found after them loaded"
echo "kill-train: at most $most_temporaries temporary files of killed writes were waiting at once"

# A last run to the end clears what killed writes left and removes the checkpoint.
"${train[@]}" >"$scratch/train.log" 2>&1 || fail "the last run failed: $(tail -n 1 "$scratch/train.log")"
left=$(cd "$folder" && ls -A | tr '\n' ' ')
if [[ "$left" == "m.safetensors " ]] && loads "$model"; then
    pass "an uninterrupted run leaves only its model, which loads"
else
    fail "an uninterrupted run left: $left"
fi

echo "kill-train: $(($(date +%s) - started)) s"
((failures == 0)) && echo "kill-train: all passed" || { echo "kill-train: $failures failed"; exit 1; }
