#!/usr/bin/env bash
# Installs what digits needs on a Debian machine and fetches MNIST. Safe to run again: it only does what is missing.
#   scripts/setup.sh            everything: build libraries, the real-window test tools, fonts, the data
#   DIGITS_SKIP_DATA=1 ...      skip the MNIST download
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config libopenblas-dev zlib1g-dev libjpeg62-turbo-dev libx11-dev libxext-dev xvfb xdotool imagemagick
          python3-pip
          # Fonts whose letters and symbols become non-digits (scripts/make-nondigits.py): training and held out.
          fonts-dejavu-core fonts-dejavu-extra fonts-liberation fonts-comic-neue fonts-bwht fonts-humor-sans
          fonts-freefont-ttf fonts-dkg-handwriting fonts-breip fonts-femkeklaver)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null; then
    echo "setup: swift is not on PATH; install a Swift 6 toolchain first" >&2
    exit 1
fi

# Optional: lets the tests check that Python's safetensors reads our model files.
if command -v python3 >/dev/null && ! python3 -c "import safetensors.numpy, numpy" 2>/dev/null; then
    python3 -m pip install -q safetensors numpy 2>/dev/null \
        || python3 -m pip install -q --break-system-packages safetensors numpy 2>/dev/null \
        || echo "setup: could not install Python's safetensors; that cross-check will be skipped"
fi

if [[ -z "${DIGITS_SKIP_DATA:-}" ]]; then
    scripts/fetch-mnist.sh Data/mnist
    [[ -f Data/nondigits/heldout-glyphs-idx3-ubyte ]] || scripts/make-nondigits.py Data/nondigits
fi
echo "setup: ready"
