#!/usr/bin/env bash
# Fails unless a model's answers are honest: calibrated on the MNIST test set (ECE), answering nearly every test
# digit as a digit and rightly, and turning away the held-out non-digits.
#   scripts/check-confidence.sh [--answered FRACTION] [--right FRACTION] DIGITS_BINARY MNIST_DIR NONDIGITS_DIR [MODEL]
# Limits (the targets): ECE <= 1%, status 'digit' for >= 99% of test digits (or --answered) and those right
# >= 99.85% (or --right), held-out non-digits answered other than 'digit' >= 95%.
set -euo pipefail
answered=0.99 right=0.9985
while [[ "${1:-}" == --* ]]; do
    case $1 in
        --answered) answered=$2 ;;
        --right) right=$2 ;;
        *) echo "check-confidence.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift 2
done
digits=$1 mnist=$2 nondigits=$3 model=${4:-}
extra=(); [[ -n "$model" ]] && extra=(--model "$model")
digits_json=$("$digits" eval --data "$mnist" --json "${extra[@]}")
nondigits_json=$("$digits" eval --non-digits "$nondigits" --json "${extra[@]}")
python3 - "$digits_json" "$nondigits_json" "$answered" "$right" <<'PY'
import json, sys
digits, nondigits = json.loads(sys.argv[1]), json.loads(sys.argv[2])
answered, right = float(sys.argv[3]), float(sys.argv[4])
checks = [
    ("ECE on the test digits", digits["ece"], "<=", 0.01),
    ("test digits answered as digits", digits["status"]["digit"], ">=", answered),
    ("those answers right", digits["digit_answers_accuracy"], ">=", right),
    ("held-out non-digits turned away", nondigits["turned_away"], ">=", 0.95),
]
failed = False
for name, value, op, limit in checks:
    ok = value <= limit if op == "<=" else value >= limit
    failed |= not ok
    print(f"{'PASS' if ok else 'FAIL'}: {name} {value:.5f} {op} {limit}")
sys.exit(1 if failed else 0)
PY
