#!/usr/bin/env python3
"""Reads composed numbers: MNIST digits placed side by side as PNG files, read by `digits predict --json`.

Each number has 2 to 6 digits (--lengths) drawn from the MNIST test set, each digit cropped to its ink's
columns, with random gaps of 0-20 px at 28-px scale (about one pair in ten slid together until the inks
touch, then up to --overlap px further), a vertical jitter of up to +-3 px, the whole scaled 3-5x by bilinear
interpolation, and half of the numbers dark on light. Seeded: the same seed writes the same files. Prints the
exact-read rate (a "?" for an unsure digit counts as wrong) and the rate of numbers whose likeliest digits are
right, overall and per length, and why the others missed (digits missing or to spare, a digit misread, or only a
"?"); --show lists the numbers misread, --keep DIR keeps the images and truth.json
(each number's digits and their column spans).

  scripts/bench-numbers.py [--digits .build/release/digits] [--count 1000] [--seed 1] [--lengths 2-6]
  scripts/bench-numbers.py --set train ...     the same from MNIST's training digits, for tuning
  scripts/bench-numbers.py --minimum 0.9 ...   exit non-zero below 90% (for CI)
"""
import argparse, json, os, struct, subprocess, sys, tempfile, zlib
from collections import defaultdict

try:
    import numpy as np
except ImportError:
    sys.exit("bench-numbers: needs numpy (scripts/setup.sh installs it)")

SIDE = 28
GAP_RANGE = (0, 20)
TOUCHING = 0.1
JITTER = 3
SCALES = (3.0, 5.0)
MARGIN = 6
INK = 64  # gray level from which a pixel counts as ink when sliding digits together


def load_idx(directory, split):
    prefix = "t10k" if split == "test" else "train"
    def read(kind, rank):
        for stem in (f"{prefix}-{kind}-idx{rank}-ubyte", f"{prefix}-{kind}.idx{rank}-ubyte"):
            path = os.path.join(directory, stem)
            if os.path.exists(path):
                return open(path, "rb").read()
        sys.exit(f"bench-numbers: no {prefix}-{kind} file in {directory}; run scripts/fetch-mnist.sh")
    images, labels = read("images", 3), read("labels", 1)
    count = struct.unpack(">I", images[4:8])[0]
    return (np.frombuffer(images, np.uint8, offset=16).reshape(count, SIDE, SIDE),
            np.frombuffer(labels, np.uint8, offset=8))


def ink_columns(digit):
    columns = np.nonzero(digit.max(axis=0) > 0)[0]
    return digit[:, columns[0]:columns[-1] + 1]


def touching_offset(canvas, digit, top, start):
    """The largest x <= start at which the digit's ink touches the canvas's ink (8-connected)."""
    ink = digit >= INK
    grown = canvas >= INK
    grown = grown | np.roll(grown, 1, 0) | np.roll(grown, -1, 0)
    grown = grown | np.roll(grown, 1, 1) | np.roll(grown, -1, 1)
    for x in range(start, -1, -1):
        if (grown[top:top + SIDE, x:x + digit.shape[1]] & ink).any():
            return x
    return 0


def compose(digits, rng, overlap, touching):
    """The digits side by side at 28-px scale, light on dark."""
    width = sum(d.shape[1] for d in digits) + GAP_RANGE[1] * len(digits) + 2 * MARGIN
    canvas = np.zeros((SIDE + 2 * JITTER + 2 * MARGIN, width), np.uint8)
    x = MARGIN
    spans = []
    for i, digit in enumerate(digits):
        top = MARGIN + JITTER + int(rng.integers(-JITTER, JITTER + 1))
        if i > 0:
            if rng.random() < touching:
                x = max(0, touching_offset(canvas, digit, top, x) - int(rng.integers(0, overlap + 1)))
            else:
                x += int(rng.integers(GAP_RANGE[0], GAP_RANGE[1] + 1))
        region = canvas[top:top + SIDE, x:x + digit.shape[1]]
        np.maximum(region, digit, out=region)
        spans.append((x, x + digit.shape[1]))
        x += digit.shape[1]
    return canvas[:, :x + MARGIN], spans


def scale(image, factor):
    """Bilinear resampling by `factor` (pixel centres aligned)."""
    height, width = image.shape
    out_h, out_w = int(round(height * factor)), int(round(width * factor))
    ys = np.clip((np.arange(out_h) + 0.5) / factor - 0.5, 0, height - 1)
    xs = np.clip((np.arange(out_w) + 0.5) / factor - 0.5, 0, width - 1)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, height - 1), np.minimum(x0 + 1, width - 1)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    source = image.astype(np.float32)
    top = source[y0][:, x0] * (1 - fx) + source[y0][:, x1] * fx
    bottom = source[y1][:, x0] * (1 - fx) + source[y1][:, x1] * fx
    return np.clip(np.rint(top * (1 - fy) + bottom * fy), 0, 255).astype(np.uint8)


def write_png(path, image):
    height, width = image.shape
    raw = b"".join(b"\x00" + image[y].tobytes() for y in range(height))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


def make_numbers(args, directory):
    images, labels = load_idx(args.data, args.set)
    rng = np.random.default_rng(args.seed)
    low, high = (int(n) for n in args.lengths.split("-"))
    numbers, truth = [], {}
    for n in range(args.count):
        length = int(rng.integers(low, high + 1))
        picks = rng.integers(0, len(images), length)
        composed, spans = compose([ink_columns(images[i]) for i in picks], rng, args.overlap, args.touching)
        factor = rng.uniform(*SCALES)
        image = scale(composed, factor)
        if rng.random() < 0.5:
            image = 255 - image
        path = os.path.join(directory, f"number-{n:05d}.png")
        write_png(path, image)
        numbers.append((path, "".join(str(labels[i]) for i in picks)))
        truth[path] = [(int(labels[i]), a * factor, b * factor) for i, (a, b) in zip(picks, spans)]
    if args.keep:
        with open(os.path.join(directory, "truth.json"), "w") as f:
            json.dump(truth, f)
    return numbers


def read_numbers(args, paths):
    """Per file: the number as read ("?" for unsure digits) and the likeliest digits whatever their status."""
    command = [args.digits, "predict", "--json"] + (["--model", args.model] if args.model else [])
    read = {}
    for start in range(0, len(paths), 500):
        output = subprocess.run(command + paths[start:start + 500], capture_output=True, text=True)
        if output.returncode != 0:
            sys.exit(f"bench-numbers: {args.digits} predict failed: {output.stderr.strip()}")
        for line in output.stdout.splitlines():
            answer = json.loads(line)
            read[answer["file"]] = (answer["number"], "".join(str(d["digit"]) for d in answer["digits"]))
    return read


def miss_kind(truth, number, likeliest):
    """Why a number was not read exactly: its digits miscounted (segmentation), a digit misread, or only a '?'."""
    if len(number) < len(truth):
        return "with digits missing"
    if len(number) > len(truth):
        return "with digits to spare"
    return "only unsure" if likeliest == truth else "with a digit misread"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", default=".build/release/digits", help="the digits binary")
    parser.add_argument("--model", help="model file (default: the shipped one)")
    parser.add_argument("--data", default="Data/mnist", help="directory of the MNIST files")
    parser.add_argument("--set", choices=["test", "train"], default="test", help="which MNIST digits to compose")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lengths", default="2-6", help="digits per number, LOW-HIGH")
    parser.add_argument("--touching", type=float, default=TOUCHING, help="fraction of pairs slid together until they touch")
    parser.add_argument("--overlap", type=int, default=1, help="px a touching pair may overlap beyond touching")
    parser.add_argument("--keep", help="write the images here and keep them")
    parser.add_argument("--minimum", type=float, help="exit non-zero when fewer numbers than this read exactly")
    parser.add_argument("--show", action="store_true", help="list the misread numbers")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        directory = args.keep or scratch
        os.makedirs(directory, exist_ok=True)
        numbers = make_numbers(args, directory)
        read = read_numbers(args, [path for path, _ in numbers])
    per_length = defaultdict(lambda: [0, 0, 0])
    misses = defaultdict(int)
    for path, truth in numbers:
        number, likeliest = read.get(path, ("", ""))
        counts = per_length[len(truth)]
        counts[0] += number == truth
        counts[1] += likeliest == truth
        counts[2] += 1
        if number != truth:
            misses[miss_kind(truth, number, likeliest)] += 1
        if args.show and number != truth:
            print(f"  {os.path.basename(path)}: {truth} read as {number}")
    exact = sum(c[0] for c in per_length.values())
    likeliest = sum(c[1] for c in per_length.values())
    print(f"numbers read exactly: {100 * exact / len(numbers):.2f}% ({exact} of {len(numbers)}, "
          f"{args.set} digits, seed {args.seed})")
    print(f"likeliest digits right (ignoring '?'): {100 * likeliest / len(numbers):.2f}%")
    for length in sorted(per_length):
        r, l, n = per_length[length]
        print(f"  {length} digits: {100 * r / n:6.2f}% exactly, {100 * l / n:6.2f}% likeliest ({n} numbers)")
    if misses:
        print("misses: " + ", ".join(f"{count} {kind}" for kind, count in
                                     sorted(misses.items(), key=lambda item: -item[1])))
    if args.minimum is not None and exact < args.minimum * len(numbers):
        sys.exit(f"bench-numbers: {100 * exact / len(numbers):.2f}% read exactly, below the minimum "
                 f"{100 * args.minimum:.2f}%")


if __name__ == "__main__":
    main()
