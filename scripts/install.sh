#!/usr/bin/env bash
# Installs digits for one person, so the pad starts from the application menu; --uninstall removes it again.
#   scripts/install.sh [--prefix DIR]                build and install under DIR (default: ~/.local)
#   scripts/install.sh [--prefix DIR] --uninstall    remove what the install put there
# It puts in DIR: bin/digits (a release build with the Swift runtime linked in, so it does not depend on where the
# toolchain lives), share/digits/digits.safetensors (the model, which the binary finds at ../share/digits), and,
# when Data/mnist is there, share/digits/mnist/ (the MNIST files, compressed, that `digits learn` replays);
# share/applications/digits.desktop and the icon under share/icons/hicolor. Your own samples and personal model
# (in $XDG_DATA_HOME/digits, by default ~/.local/share/digits) are never installed over or removed.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="$HOME/.local" uninstall=""
while (($#)); do
    case $1 in
        --prefix) [[ $# -ge 2 ]] || { echo "install: --prefix needs a folder" >&2; exit 2; }; prefix=$2; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $prefix == /* ]] || prefix="$PWD/$prefix"

share="$prefix/share/digits"
mnist_files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
installed=("$prefix/bin/digits" "$share/digits.safetensors" "$prefix/share/applications/digits.desktop"
           "$prefix/share/icons/hicolor/scalable/apps/digits.svg" "$prefix/share/icons/hicolor/256x256/apps/digits.png")
for f in "${mnist_files[@]}"; do installed+=("$share/mnist/$f.gz"); done

# Menus pick up new entries by themselves; refresh the caches only where they exist, since a stale cache that this
# script created could hide icons installed later.
refresh_menus() {
    local icons="$prefix/share/icons/hicolor"
    if [[ -f "$prefix/share/applications/mimeinfo.cache" ]] && command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$prefix/share/applications" || true
    fi
    if [[ -f "$icons/icon-theme.cache" ]] && command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -t "$icons" || true
    fi
}

if [[ -n $uninstall ]]; then
    for f in "${installed[@]}"; do
        [[ -e $f ]] && rm -f "$f" && echo "removed $f"
    done
    # Folders go only when empty: share/digits is also where your samples live by default.
    rmdir "$share/mnist" "$share" 2>/dev/null || true
    refresh_menus
    echo "uninstalled from $prefix (your samples and personal model, if any, are still in ${XDG_DATA_HOME:-$HOME/.local/share}/digits)"
    exit 0
fi

echo "install: building (release, Swift runtime linked in)"
swift build -c release --static-swift-stdlib --scratch-path .build/install --product digits
binary=$(swift build -c release --static-swift-stdlib --scratch-path .build/install --show-bin-path)/digits

mkdir -p "$prefix/bin" "$share" "$prefix/share/applications" "$prefix/share/icons/hicolor/scalable/apps" \
         "$prefix/share/icons/hicolor/256x256/apps"
install -m 755 "$binary" "$prefix/bin/digits"
install -m 644 Resources/digits.safetensors "$share/digits.safetensors"
install -m 644 Resources/digits.svg "$prefix/share/icons/hicolor/scalable/apps/digits.svg"
install -m 644 Resources/digits.png "$prefix/share/icons/hicolor/256x256/apps/digits.png"
if [[ -f Data/mnist/train-images-idx3-ubyte || -f Data/mnist/train-images.idx3-ubyte ]]; then
    mkdir -p "$share/mnist"
    for f in "${mnist_files[@]}"; do
        dotted=${f/-idx/.idx}
        source=Data/mnist/$f; [[ -f $source ]] || source=Data/mnist/$dotted
        gzip -9 -c "$source" >"$share/mnist/$f.gz.partial" && mv "$share/mnist/$f.gz.partial" "$share/mnist/$f.gz"
    done
else
    echo "install: no Data/mnist (scripts/fetch-mnist.sh fetches it); learning will need --mnist DIR"
fi

cat >"$prefix/share/applications/digits.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Digits
GenericName=Handwritten digit recognizer
Comment=Draw a digit and watch a neural network read it
Exec="$prefix/bin/digits" draw
Icon=digits
Terminal=false
Categories=Education;Science;ArtificialIntelligence;
Keywords=digit;handwriting;recognizer;MNIST;neural network;
StartupWMClass=digits
EOF
refresh_menus
echo "installed digits in $prefix: run $prefix/bin/digits, or open Digits from the application menu"
