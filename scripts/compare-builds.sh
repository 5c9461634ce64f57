#!/usr/bin/env bash
# Before and after in one sitting: builds an earlier revision in a scratch worktree, then runs its
# `digits bench --json` and the current build's alternately, and prints the medians, their ratios, and the range of
# the ratios of the runs taken back to back.
#   scripts/compare-builds.sh REVISION [RUNS] [ARCH]     (default 11 runs each, convnet)
set -euo pipefail
cd "$(dirname "$0")/.."
revision=${1:?usage: scripts/compare-builds.sh REVISION [RUNS] [ARCH]}
runs=${2:-11} arch=${3:-convnet}
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "compare-builds: RUNS must be a positive number, not '$runs'" >&2; exit 2; }
[[ "$arch" == convnet || "$arch" == bnnet ]] || { echo "compare-builds: ARCH is convnet or bnnet, not '$arch'" >&2; exit 2; }
commit=$(git rev-parse --verify --quiet "$revision^{commit}") \
    || { echo "compare-builds: no revision '$revision'" >&2; exit 2; }

scratch=$(mktemp -d); trap 'git worktree remove --force "$scratch/before" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
git worktree add --detach -q "$scratch/before" "$commit"
echo "compare-builds: building ${commit:0:7} and the working tree" >&2
swift build -c release -q --package-path "$scratch/before"
swift build -c release -q
before="$scratch/before/.build/release/digits" after=.build/release/digits

results=$scratch/results
for i in $(seq "$runs"); do
    printf 'before %s\n' "$("$before" bench --arch "$arch" --json)" >>"$results"
    printf 'after %s\n' "$("$after" bench --arch "$arch" --json)" >>"$results"
done
python3 - "$results" "${commit:0:7}" "$arch" "$runs" <<'PY'
import json, statistics, sys
path, commit, arch, runs = sys.argv[1:]
rows = {"before": [], "after": []}
for line in open(path):
    side, text = line.split(" ", 1)
    rows[side].append(json.loads(text))
print(f"{arch}, {commit} against the working tree, medians of {runs} alternating runs each")
print("| | before | after | after / before | each pair's ratio |\n| --- | --- | --- | --- | --- |")
for key, name in [("train_img_per_s", "training (img/s)"), ("infer_img_per_s", "batch inference (img/s)"),
                  ("latency_us", "latency (us)"), ("peak_rss_mb", "peak memory (MB)"),
                  ("sgemm_gflop_per_s", "SGEMM (GFLOP/s)")]:
    b, a = (statistics.median(r[key] for r in rows[s]) for s in ("before", "after"))
    # Run i of each build ran back to back, so their ratio is the least disturbed by the machine's neighbours.
    pairs = [after[key] / before[key] for before, after in zip(rows["before"], rows["after"])]
    print(f"| {name} | {b:,.1f} | {a:,.1f} | {a / b:.3f} | {min(pairs):.3f}-{max(pairs):.3f} |")
PY
