#!/usr/bin/env python3
"""Draws the application icon, a hand-drawn 7 above the pad's ten readout bars, as Resources/digits.svg and a
256x256 Resources/digits.png from the same shapes (the PNG with the stroke rasterizer's coverage rule, so no SVG
renderer is needed). Standard library only.
    scripts/make-icon.py [OUTPUT_DIR]      (default: Resources)"""
import math
import os
import struct
import sys
import zlib

SIZE = 256
# The pad's colours (Sources/DigitPad/PadView.swift).
BACKGROUND, BORDER, INK, ACCENT, DIM = (0x22, 0x25, 0x2D), (0x34, 0x38, 0x45), (0xFF, 0xFF, 0xFF), (0x4F, 0xC3, 0xF7), (0x5A, 0x60, 0x70)
CORNER, MARGIN, BORDER_WIDTH = 48, 8, 3
# A 7 with a crossbar, as the pen would draw it: polylines and the pen's radius.
STROKES = [([(66, 58), (110, 54), (150, 52), (190, 50), (176, 78), (158, 110), (140, 146), (124, 184)], 13),
           ([(98, 118), (170, 114)], 11)]
# Ten bars along the bottom, the 7th (digit 7) tall in the accent colour.
BAR_LEFT, BAR_WIDTH, BAR_GAP, BAR_BASE = 50, 12, 4, 222
BARS = [(BAR_LEFT + d * (BAR_WIDTH + BAR_GAP), 30 if d == 7 else 8, ACCENT if d == 7 else DIM) for d in range(10)]


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0 if length == 0 else min(max(((px - ax) * dx + (py - ay) * dy) / length, 0), 1)
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def rounded_square_coverage(px, py, inset, corner):
    """Anti-aliased coverage at pixel centre (px, py) of the square inset by `inset` with corners of radius `corner`."""
    lo, hi = inset + corner, SIZE - inset - corner
    qx, qy = max(lo - px, 0, px - hi), max(lo - py, 0, py - hi)
    return min(max(corner + 0.5 - math.hypot(qx, qy), 0), 1)


def blend(under, over, alpha):
    return tuple(u + (o - u) * alpha for u, o in zip(under, over))


def render():
    rows = []
    for y in range(SIZE):
        row = bytearray([0])  # PNG filter: none
        for x in range(SIZE):
            px, py = x + 0.5, y + 0.5
            shape = rounded_square_coverage(px, py, MARGIN, CORNER)
            colour = blend(BORDER, BACKGROUND, rounded_square_coverage(px, py, MARGIN + BORDER_WIDTH, CORNER - BORDER_WIDTH))
            for points, radius in STROKES:
                d = min(segment_distance(px, py, *a, *b) for a, b in zip(points, points[1:]))
                colour = blend(colour, INK, min(max(radius + 0.5 - d, 0), 1))
            for left, height, fill in BARS:
                if left <= x < left + BAR_WIDTH and BAR_BASE - height <= y < BAR_BASE:
                    colour = fill
            row += bytes(round(c) for c in colour) + bytes([round(255 * shape)])
        rows.append(bytes(row))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


def svg():
    hexa = lambda c: "#%02X%02X%02X" % c
    side = SIZE - 2 * MARGIN
    inner, inset = side - 2 * BORDER_WIDTH, MARGIN + BORDER_WIDTH
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">',
             f'  <rect x="{MARGIN}" y="{MARGIN}" width="{side}" height="{side}" rx="{CORNER}" fill="{hexa(BORDER)}"/>',
             f'  <rect x="{inset}" y="{inset}" width="{inner}" height="{inner}" rx="{CORNER - BORDER_WIDTH}" '
             f'fill="{hexa(BACKGROUND)}"/>']
    for points, radius in STROKES:
        path = " ".join(f"{x},{y}" for x, y in points)
        parts.append(f'  <polyline points="{path}" fill="none" stroke="{hexa(INK)}" stroke-width="{2 * radius}" '
                     'stroke-linecap="round" stroke-linejoin="round"/>')
    for left, height, fill in BARS:
        parts.append(f'  <rect x="{left}" y="{BAR_BASE - height}" width="{BAR_WIDTH}" height="{height}" fill="{hexa(fill)}"/>')
    return "\n".join(parts + ["</svg>", ""])


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Resources")
    with open(os.path.join(out, "digits.png"), "wb") as f:
        f.write(render())
    with open(os.path.join(out, "digits.svg"), "w") as f:
        f.write(svg())
