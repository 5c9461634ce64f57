#!/usr/bin/env python3
"""Loads a digits model with Python's reference safetensors reader and lists its tensors.

    python3 scripts/check-safetensors.py Resources/digits.safetensors
Exits non-zero when the file does not load or holds no float32 tensors.
"""
import json
import sys

from safetensors import safe_open
from safetensors.numpy import load_file


def main(path):
    tensors = load_file(path)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    if not tensors or any(t.dtype.name != "float32" for t in tensors.values()):
        sys.exit(f"{path}: expected float32 tensors")
    for name, tensor in tensors.items():
        print(f"{name:28s} {str(list(tensor.shape)):18s} {tensor.dtype}")
    keys = ("format", "version", "architecture", "members", "parameters", "validation_accuracy", "test_accuracy")
    print(json.dumps({k: metadata[k] for k in keys if k in metadata}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: check-safetensors.py MODEL")
    main(sys.argv[1])
