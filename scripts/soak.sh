#!/usr/bin/env bash
# The pad under abuse, under Xvfb: sends EVENTS random events to `digits draw --log-predictions` (moves far outside
# the window, presses without releases and releases without presses, wheel clicks, storms of keys and held
# modifiers, but never Q, and resizes from 1x1 to 4000x3000), then checks that the pad is alive, still reads a drawn
# 1, grew its resident memory by less than 10 MB from after a warm-up (a personal model learned, both models'
# largest reads, and a round of the same abuse), and printed no X error. Then checks that killing the X server
# under the pad ends it with one line on stderr and a non-zero exit.
#   scripts/soak.sh [DIGITS_BINARY] [EVENTS]     (default: .build/release/digits, 20000)
#   SOAK_SMALLEST=WxH scripts/soak.sh             resize no smaller than WxH (default 1x1)
set -euo pipefail
cd "$(dirname "$0")/.."
digits=${1:-.build/release/digits}
events=${2:-20000}
smallest=${SOAK_SMALLEST:-1x1}
[[ -x "$digits" ]] || { echo "soak: no executable at $digits (swift build -c release first)" >&2; exit 1; }
[[ "$smallest" =~ ^[0-9]+x[0-9]+$ ]] || { echo "soak: SOAK_SMALLEST is WIDTHxHEIGHT" >&2; exit 2; }
for tool in Xvfb xdotool python3; do
    command -v "$tool" >/dev/null || { echo "soak: needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done

mkdir -p artifacts
scratch=$(mktemp -d) pid="" xvfb=""
# The key storms type digits and L: the samples and models they make go to the scratch folder, never to the real
# data folder.
export XDG_DATA_HOME=$scratch
cleanup() {
    if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; fi
    if [[ -n "$xvfb" ]]; then kill "$xvfb" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
failures=0 started=$(date +%s)
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
log="$scratch/pad.log" err="$scratch/pad.err"

# Starts Xvfb on a display nobody uses, big enough for the largest window; sets DISPLAY and xvfb.
start_x() {
    local display=90
    while [[ -e /tmp/.X11-unix/X$display || -e /tmp/.X$display-lock ]]; do display=$((display + 1)); done
    Xvfb ":$display" -screen 0 4096x3072x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    export DISPLAY=":$display"
    for _ in $(seq 50); do xdotool getmouselocation >/dev/null 2>&1 && return; sleep 0.1; done
    echo "soak: Xvfb did not start" >&2
    exit 1
}
# Starts the pad and waits for its window; sets pid and window. Why the tunable: the pad draws each frame into a
# new buffer of the window's size (48 MB at 4000x3000), and once one such block is freed glibc raises its mmap
# threshold and keeps later ones in its heap, so resident memory would follow the largest recent frames, by tens
# of MB either way, rather than what the pad holds. A fixed threshold returns every freed frame to the system.
start_pad() {
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 "$digits" draw --log-predictions >"$log" 2>"$err" &
    pid=$!
    window=$(timeout 20 xdotool search --sync --classname digits | head -n 1) || true
    [[ -n "$window" ]] || { fail "the window did not appear: $(head -n 3 "$err")"; exit 1; }
}
resident_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
alive() { kill -0 "$pid" 2>/dev/null; }

# The abuse, as an xdotool script: one command per event, never the quit key.
abuse() {  # count seed
    python3 - "$window" "$1" "$2" "$smallest" <<'PY'
import random, sys
window, count, rng = sys.argv[1], int(sys.argv[2]), random.Random(int(sys.argv[3]))
min_w, min_h = (int(v) for v in sys.argv[4].split("x"))
keys = list("abcdefghijklmnoprstuvwxyz0123456789") + [  # every letter but q: Q and Ctrl+Q quit
    "plus", "minus", "equal", "underscore", "KP_Add", "KP_Subtract", "Delete", "BackSpace", "Escape", "Return",
    "space", "Tab", "Left", "Right", "Up", "Down", "F1", "F5", "Home", "End", "ctrl+z", "ctrl+c", "ctrl+u",
    "shift+a", "shift+u", "shift+c", "alt+x", "super+w", "Shift_L", "Control_L", "Caps_Lock"]
for i in range(count):
    if i % 10 == 0:  # a pause now and then, so the pad sees bursts of every size, not one long queue
        print(f"sleep {rng.uniform(0, 0.005):.4f}")
    r = rng.random()
    if r < 0.25:   # inside the default window, often drawing
        print(f"mousemove {rng.randrange(0, 760)} {rng.randrange(0, 470)}")
    elif r < 0.40:  # anywhere, far outside the window, beyond the screen (the server clamps)
        print(f"mousemove {rng.randrange(0, 9000)} {rng.randrange(0, 9000)}")
    elif r < 0.50:
        print(f"mousedown {rng.choice([1, 1, 1, 2, 3])}")
    elif r < 0.58:
        print(f"mouseup {rng.choice([1, 1, 2, 3])}")
    elif r < 0.61:  # the wheel
        wheel = rng.choice([4, 5, 6, 7])
        print(f"mousedown {wheel}\nmouseup {wheel}")
    elif r < 0.85:  # xdotool waits 12 ms between keys unless told not to
        print(f"key --delay 0 {rng.choice(keys)}")
    elif r < 0.90:
        print(f"{rng.choice(['keydown', 'keyup'])} --delay 0 {rng.choice(['ctrl', 'shift', 'alt'])}")
    else:
        w, h = rng.choice([(1, 1), (4000, 3000), (rng.randrange(1, 4001), rng.randrange(1, 3001)),
                           (rng.randrange(1, 800), rng.randrange(1, 500)), (rng.randrange(1, 40), rng.randrange(1, 40))])
        print(f"windowsize {window} {max(w, min_w)} {max(h, min_h)}")
# Let go of everything and come back to the default size.
print("mouseup 1\nkeyup ctrl\nkeyup shift\nkeyup alt")
PY
}
# Sends `abuse` to the pad; xdotool's own complaints go to the scratch folder.
send_abuse() { abuse "$1" "$2" | xdotool - >/dev/null 2>>"$scratch/xdotool.err" || true; }
# Back to the default size with nothing held, then waits until the pad has caught up with every queued event:
# its CPU time stands still for half a second (at most 30 s).
restore() {
    xdotool windowsize "$window" "$width" "$height" mouseup 1 keyup ctrl keyup shift keyup alt 2>/dev/null || true
    local before after
    for _ in $(seq 60); do
        before=$(cpu_ticks); sleep 0.5; after=$(cpu_ticks)
        [[ "$before" == "$after" ]] && break
    done
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null; }
lines() { wc -l <"$log"; }
# Draws a vertical stroke down the canvas and prints the digit the log reports for it.
draw_one() {
    local before
    key c
    sleep 0.3
    before=$(lines)
    xdotool mousemove --window "$window" 200 70 mousedown 1 2>/dev/null || return 0
    for y in $(seq 90 20 330); do xdotool mousemove --window "$window" 200 "$y" 2>/dev/null; sleep 0.02; done
    xdotool mouseup 1 2>/dev/null
    for _ in $(seq 40); do
        tail -n +"$((before + 1))" "$log" | grep -q '"prediction"' && break
        sleep 0.1
    done
    tail -n +"$((before + 1))" "$log" | grep '"prediction"' | tail -n 1 | sed -E 's/.*"digit":([0-9]).*/\1/'
}
key() { xdotool key --window "$window" "$@" 2>/dev/null || true; }
# Labels the drawing on the canvas 1 and learns from it, and waits for the run to end (at most 120 s). The key
# storms may label and learn too, and a first run leaves a personal model behind (some 15 MB with its buffers),
# which is what the pad is for, not a leak: so the warm-up has one, and the storms only relearn.
learn_once() {
    local before
    before=$(lines)
    key 1
    sleep 0.5
    key l
    for _ in $(seq 240); do
        tail -n +"$((before + 1))" "$log" | grep -qE '"event":"(learned|error)"' && break
        sleep 0.5
    done
    local said
    said=$(tail -n +"$((before + 1))" "$log" | grep -m1 -E '"event":"(learned|error)"' || echo "no answer in 120 s")
    if [[ "$said" == *'"learned"'* ]]; then echo "soak: the warm-up learned a personal model"; else
        echo "soak: the warm-up could not learn: $said"
    fi
    restore
}
# Draws a zigzag across the canvas, one group wide enough to make more candidate digits than one forward pass
# takes, and clears it: the model reading then holds its buffers at their largest.
zigzag() {
    local x y=80
    xdotool mousemove --window "$window" 20 80 mousedown 1 2>/dev/null || return 0
    for x in $(seq 40 20 740); do
        y=$((y == 80 ? 320 : 80))
        xdotool mousemove --window "$window" "$x" "$y" 2>/dev/null; sleep 0.01
    done
    xdotool mouseup 1 2>/dev/null
    restore
    key c
}

# Says why the pad died (the Swift runtime's first line about it), keeps its stderr, and forgets it.
died() {
    local status=0
    { wait "$pid"; } 2>/dev/null || status=$?
    pid=""
    cp "$err" artifacts/soak-stderr.txt
    fail "the pad died $1 (exit $status): $(grep -m1 -oE "(Fatal error|Swift runtime failure)[^*]*" "$err" || grep -m1 crash "$err" || head -n 1 "$err") (stderr in artifacts/soak-stderr.txt)"
}

start_x
start_pad
read -r width height < <(xdotool getwindowgeometry "$window" | awk '/Geometry/ { split($2, s, "x"); print s[1], s[2] }')
xdotool windowfocus --sync "$window" 2>/dev/null || true
echo "soak: window ${width}x$height; $events events, windows down to $smallest"

# Warm-up: a personal model learned, a zigzag read by each model (M switches), then the same abuse, smaller, so
# that caches and buffers reach their working size before measuring: the storms switch between the two models, and
# each holds buffers for the largest pass it has read.
draw_one >/dev/null
learn_once
zigzag; key m; zigzag; key m
send_abuse 2000 1
if alive; then restore; fi
if ! alive; then died "during the warm-up"; else
    digit=$(draw_one)
    before_kb=$(resident_kb)
    echo "soak: after the warm-up the pad reads '$digit' and holds $((before_kb / 1024)) MB"

    begin=$(date +%s)
    send_abuse "$events" 2
    echo "soak: $events events sent in $(($(date +%s) - begin)) s"
    if alive; then restore; fi
fi
if [[ -n "$pid" ]] && ! alive; then died "under the abuse"; elif [[ -n "$pid" ]]; then
    pass "the pad survived $events random events"
    import -window "$window" artifacts/soak-after.png 2>/dev/null || true
    after_kb=$(resident_kb)
    growth=$((after_kb - before_kb))
    if ((growth < 10 * 1024)); then pass "resident memory grew $((growth / 1024)) MB ($before_kb kB to $after_kb kB)"; else
        fail "resident memory grew $((growth / 1024)) MB ($before_kb kB to $after_kb kB)"
    fi
    digit=$(draw_one)
    [[ "$digit" == 1 ]] && pass "a vertical stroke still reads as 1" || fail "a vertical stroke read as '$digit', not 1"
    if grep -qiE "X error|Bad(Window|Match|Value|Alloc|Drawable|Access|Length)" "$err"; then
        fail "X errors on stderr: $(grep -m1 -iE "X error|Bad" "$err")"
    else
        pass "no X error on stderr ($(wc -l <"$err") lines on stderr)"
    fi
    key q
    for _ in $(seq 50); do alive || break; sleep 0.1; done
    status=0; { wait "$pid"; } 2>/dev/null || status=$?; pid=""
    ((status == 0)) && pass "Q still quits, exit 0" || fail "Q after the abuse: exit $status"
fi

# The X server dies under the pad: one line on stderr, a non-zero exit.
start_pad
kill -9 "$xvfb"; wait "$xvfb" 2>/dev/null || true; xvfb=""
for _ in $(seq 50); do alive || break; sleep 0.1; done
if alive; then fail "the pad outlived its X server by 5 s"; else
    status=0; { wait "$pid"; } 2>/dev/null || status=$?; pid=""
    said=$(cat "$err")
    if ((status != 0)) && [[ $(wc -l <<<"$said") -eq 1 && -n "$said" ]]; then
        pass "killing the X server ends the pad: '$said' (exit $status)"
    else
        fail "killing the X server: exit $status, said '$said'"
    fi
fi

echo "soak: $(($(date +%s) - started)) s"
((failures == 0)) && echo "soak: all passed" || { echo "soak: $failures failed"; exit 1; }
