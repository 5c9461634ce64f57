#!/usr/bin/env bash
# The pad's resident memory, under Xvfb: at start, after scribbling over a window of 3800x2600, and after clearing
# the canvas and coming back to the default size, which is what the pad holds for the rest of its run.
#   scripts/pad-memory.sh [DIGITS_BINARY] [RUNS]     (default: .build/release/digits, 3)
# Each run is a fresh pad; the last line gives the medians. Compare builds by alternating their runs.
set -euo pipefail
cd "$(dirname "$0")/.."
digits=${1:-.build/release/digits}
runs=${2:-3}
[[ -x "$digits" ]] || { echo "pad-memory: no executable at $digits (swift build -c release first)" >&2; exit 1; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "pad-memory: RUNS must be a positive number, not '$runs'" >&2; exit 2; }
for tool in Xvfb xdotool python3; do
    command -v "$tool" >/dev/null || { echo "pad-memory: needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done

scratch=$(mktemp -d) pid="" xvfb=""
export XDG_DATA_HOME=$scratch  # nothing the pad might save goes to the real data folder
cleanup() {
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
    if [[ -n "$xvfb" ]]; then kill "$xvfb" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
display=90
while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 4096x3072x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=":$display"
for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

resident_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
# Waits until the pad's CPU time stands still for half a second (at most 30 s): it has read what it was sent.
settle() {
    local before after
    for _ in $(seq 60); do
        before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat"); sleep 0.5
        after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
        [[ "$before" == "$after" ]] && return
    done
}
# Sixty random strokes over the large window, the same every run.
python3 - >"$scratch/scribbles" <<'PY'
import random
rng = random.Random(3)
for _ in range(60):
    x, y = rng.randrange(50, 3000), rng.randrange(50, 1800)
    print(f"mousemove {x} {y}\nmousedown 1")
    for _ in range(25):
        x, y = max(5, x + rng.randrange(-60, 61)), max(5, y + rng.randrange(-60, 61))
        print(f"mousemove {x} {y}")
    print("mouseup 1")
PY

results=()
for run in $(seq "$runs"); do
    "$digits" draw >/dev/null 2>"$scratch/err" &
    pid=$!
    window=$(timeout 20 xdotool search --sync --classname digits | head -n 1) || true
    [[ -n "$window" ]] || { echo "pad-memory: the window did not appear: $(head -n 1 "$scratch/err")" >&2; exit 1; }
    read -r width height < <(xdotool getwindowgeometry "$window" | awk '/Geometry/ { split($2, s, "x"); print s[1], s[2] }')
    settle; start=$(resident_mb)
    xdotool windowsize "$window" 3800 2600; settle
    xdotool windowfocus "$window" 2>/dev/null || true
    xdotool - <"$scratch/scribbles" 2>/dev/null || true
    settle
    kill -0 "$pid" 2>/dev/null || { echo "pad-memory: the pad died: $(head -n 1 "$scratch/err")" >&2; exit 1; }
    scribbled=$(resident_mb)
    xdotool key --window "$window" c 2>/dev/null || true
    xdotool windowsize "$window" "$width" "$height"; settle
    after=$(resident_mb)
    echo "run $run: start $start MB, scribbled at 3800x2600 $scribbled MB, cleared at ${width}x$height $after MB"
    results+=("$start $scribbled $after")
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = [list(map(int, line.split())) for line in sys.stdin]
start, scribbled, after = (statistics.median(column) for column in zip(*rows))
print(f"pad-memory: medians of {len(rows)}: start {start:g} MB, scribbled {scribbled:g} MB, cleared {after:g} MB")'
