#!/usr/bin/env bash
# Fails unless a model's accuracy on the MNIST test set reaches a threshold.
#   scripts/check-accuracy.sh DIGITS_BINARY DATA_DIR MINIMUM [MODEL]
set -euo pipefail
digits=$1 data=$2 minimum=$3 model=${4:-}
args=(eval --data "$data" --json)
[[ -n "$model" ]] && args+=(--model "$model")
json=$("$digits" "${args[@]}")
accuracy=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["accuracy"])' "$json")
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$accuracy" "$minimum"; then
    echo "PASS: accuracy $accuracy >= $minimum${model:+ ($model)}"
else
    echo "FAIL: accuracy $accuracy < $minimum${model:+ ($model)}" >&2
    exit 1
fi
