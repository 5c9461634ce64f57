#!/usr/bin/env python3
"""Renders letters and symbols from Debian's fonts into IDX image files, the glyphs `digits train --non-digits`
turns into pen strokes (training fonts) and `digits eval --non-digits` scores (held-out fonts).

    scripts/make-nondigits.py [DIR]        default Data/nondigits

Writes DIR/train-glyphs-idx3-ubyte and DIR/heldout-glyphs-idx3-ubyte: 64x64 images, white glyph on black, one
per (font, character). The two sets share no font. Characters that people write exactly like a digit (O and 0,
l and 1, S and 5, ...) are left out: no one could tell them apart from the digit. Needs ImageMagick's `convert`
and the font packages scripts/setup.sh installs.
"""
import os
import struct
import subprocess
import sys

SIDE = 64
POINT_SIZE = 40
BASELINE = 46

# Not digits to anyone: letters and symbols without a digit look-alike. Left out as look-alikes: O o Q D (0),
# I i l j J | ! / \ ( ) [ ] (1), Z z (2), S s (5), G (6), B (8), g q a (9). b stays: its straight stem tells it
# from a 6.
LETTERS = "ACEFHKLMNPRTUVWXY" + "bcdefhkmnprtuvwxy"
SYMBOLS = "+=#@&%$?*<>~^-_{}" + "×÷±€£¥§¶©®µ∞≠≈√∑Ωπλ♥★☺→←↑↓✓✗"
CHARACTERS = LETTERS + SYMBOLS

# Font files by directory under /usr/share/fonts; training and held-out sets never share a family.
TRAINING_FONTS = ["truetype/dejavu", "truetype/liberation", "opentype/comic-neue", "opentype/bwht",
                  "truetype/humor-sans"]
HELDOUT_FONTS = ["truetype/freefont", "truetype/fifthhorseman", "truetype/breip", "truetype/femkeklaver"]
FONT_ROOT = "/usr/share/fonts"
# A private-use code point no font draws: what a font renders for a character it lacks.
MISSING = "\ue000"


def font_files(directories):
    files = []
    for directory in directories:
        path = os.path.join(FONT_ROOT, directory)
        if not os.path.isdir(path):
            sys.exit(f"make-nondigits: no fonts in {path}; run scripts/setup.sh")
        files += sorted(os.path.join(path, name) for name in os.listdir(path)
                        if name.endswith((".ttf", ".otf")) and "MathTeX" not in name)
    return files


def render(font, characters):
    """One convert call per font: every character in its own cell of a strip, returned as a list of images."""
    arguments = ["convert", "-size", f"{SIDE * len(characters)}x{SIDE}", "xc:black", "-font", font,
                 "-pointsize", str(POINT_SIZE), "-fill", "white"]
    for index, character in enumerate(characters):
        text = {"%": "%%", "\\": "\\\\", "@": "\\@"}.get(character, character)
        arguments += ["-annotate", f"+{index * SIDE + 8}+{BASELINE}", text]
    arguments += ["-depth", "8", "gray:-"]
    strip = subprocess.run(arguments, check=True, capture_output=True).stdout
    width = SIDE * len(characters)
    cells = []
    for index in range(len(characters)):
        cells.append(bytes(strip[y * width + index * SIDE + x] for y in range(SIDE) for x in range(SIDE)))
    return cells


def glyphs(fonts):
    images = []
    for font in fonts:
        *cells, missing = render(font, CHARACTERS + MISSING)
        for cell in cells:
            # A blank cell or the font's box for missing characters is no glyph; glyphs that spill out of
            # their cell (touching its edge) are cut and left out too.
            edge = cell[:SIDE] + cell[-SIDE:] + bytes(cell[y * SIDE] for y in range(SIDE)) \
                + bytes(cell[y * SIDE + SIDE - 1] for y in range(SIDE))
            if cell == missing or max(cell) < 128 or max(edge) > 0:
                continue
            images.append(cell)
    return images


def write_idx(path, images):
    with open(path + ".tmp", "wb") as out:
        out.write(struct.pack(">IIII", 2051, len(images), SIDE, SIDE))
        for image in images:
            out.write(image)
    os.replace(path + ".tmp", path)


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "Data/nondigits"
    os.makedirs(directory, exist_ok=True)
    for name, fonts in (("train", TRAINING_FONTS), ("heldout", HELDOUT_FONTS)):
        images = glyphs(font_files(fonts))
        write_idx(os.path.join(directory, f"{name}-glyphs-idx3-ubyte"), images)
        print(f"make-nondigits: {len(images)} {name} glyphs in {directory}")


if __name__ == "__main__":
    main()
