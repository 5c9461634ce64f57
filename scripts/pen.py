#!/usr/bin/env python3
"""Pen strokes for the real-window tests: prints one stroke per line as "x1 y1 x2 y2 ..." in window pixels.

    scripts/pen.py 2026 --x 60 --y 60 --height 240     # the digits of a number, left to right
    scripts/pen.py cross --x 100 --y 60 --height 240   # shapes that are no digit: cross, scribble
"""
import argparse
import math

# Each glyph: strokes of points in a unit box (x right, y down), as a person would draw them with a mouse.
def arc(cx, cy, rx, ry, start, end, steps=14):
    return [(cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
            for a in (start + (end - start) * i / steps for i in range(steps + 1))]

GLYPHS = {
    "0": [arc(0.5, 0.5, 0.38, 0.5, -90, 275, 24)],
    "1": [[(0.35, 0.15), (0.55, 0.0), (0.55, 1.0)]],
    "2": [arc(0.5, 0.28, 0.38, 0.28, 190, 370) + [(0.1, 1.0), (0.95, 1.0)]],
    "4": [[(0.6, 0.0), (0.05, 0.7), (0.95, 0.7)], [(0.7, 0.3), (0.7, 1.0)]],
    "6": [[(0.75, 0.0), (0.3, 0.35)] + arc(0.5, 0.7, 0.35, 0.3, 200, 560, 22)],
    "7": [[(0.05, 0.0), (0.95, 0.0), (0.35, 1.0)]],
    "cross": [[(0.0, 0.0), (1.0, 1.0)], [(1.0, 0.0), (0.0, 1.0)]],
    "scribble": [[(0.1 + 0.8 * (i % 2), 0.05 + 0.9 * i / 9) for i in range(10)]],
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("text", help="digits to write, or one of: cross, scribble")
    parser.add_argument("--x", type=int, default=60)
    parser.add_argument("--y", type=int, default=60)
    parser.add_argument("--height", type=int, default=240)
    args = parser.parse_args()
    glyphs = [args.text] if args.text in GLYPHS else list(args.text)
    width = args.height * 0.6 if len(glyphs) > 1 or args.text.isdigit() else args.height
    for index, glyph in enumerate(glyphs):
        left = args.x + index * width * 1.45
        for stroke in GLYPHS[glyph]:
            points = []
            for px, py in stroke:
                points += [str(int(left + px * width)), str(int(args.y + py * args.height))]
            print(" ".join(points))


if __name__ == "__main__":
    main()
