#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into Fuzz/Corpus/<harness>/: small valid files of each format, written here
independently of the project's own writers, and a few broken ones. Run from anywhere; rewrites the same bytes.
The JPEG seeds are encoded by ImageMagick's `convert`."""
import gzip
import json
import os
import struct
import subprocess
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fuzz", "Corpus")


def put(harness, name, data):
    folder = os.path.join(ROOT, harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# IDX: big-endian magic 0x0000_08_NN, one UInt32 per dimension, then unsigned bytes.
def idx(magic, dims, payload):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + bytes(payload)


images = idx(2051, [2, 3, 3], range(18))
labels = idx(2049, [4], [7, 0, 9, 1])
put("idx", "images-2x3x3", images)
put("idx", "labels-4", labels)
put("idx", "images-1x28x28", idx(2051, [1, 28, 28], [(i * 7) % 256 for i in range(784)]))
put("idx", "images.gz", gzip.compress(images, mtime=0))
put("idx", "labels.gz", gzip.compress(labels, mtime=0))
put("idx", "broken-truncated", images[:-3])
put("idx", "broken-trailing", labels + b"\x01\x02")
put("idx", "broken-header", images[:9])
put("idx", "broken-magic", idx(2052, [1, 1, 1, 1], [5]))
put("idx", "broken-huge", idx(2051, [0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF], []))
put("idx", "broken-cut.gz", gzip.compress(images, mtime=0)[:20])


# safetensors: 8-byte little-endian header length, a JSON header, then little-endian float32 data.
def safetensors(tensors, metadata=None, header_override=None):
    header, data, offset = {}, b"", 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, shape, values in tensors:
        raw = b"".join(struct.pack("<f", v) for v in values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    text = header_override if header_override is not None else json.dumps(header, sort_keys=True).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


two = [("a", [2, 2], [1.0, -2.0, 0.5, 3.25]), ("b", [3], [0.0, 1e-3, -7.0])]
put("safetensors", "two-tensors", safetensors(two, {"note": "seed"}))
put("safetensors", "empty", safetensors([]))
put("safetensors", "scalar-and-empty", safetensors([("s", [], [42.0]), ("z", [0, 4], [])]))
put("safetensors", "broken-length", struct.pack("<Q", 1 << 40) + b"{}")
put("safetensors", "broken-json", safetensors([], header_override=b'{"a": [1, 2'))
put("safetensors", "broken-overlap", safetensors([], header_override=json.dumps(
    {"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
     "b": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode()) + b"\0" * 4)
put("safetensors", "broken-dtype", safetensors([], header_override=json.dumps(
    {"h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}).encode()) + b"\0" * 4)
put("safetensors", "broken-trailing", safetensors(two) + b"\0\0\0\0")

# Model files: safetensors with the digits metadata and exactly one architecture's tensors.
CONVNET = [("conv1.weight", [32, 1, 3, 3]), ("conv1.bias", [32]), ("conv2.weight", [64, 32, 3, 3]),
           ("conv2.bias", [64]), ("dense1.weight", [10, 1600]), ("dense1.bias", [10])]
model_meta = {"format": "digits-model", "version": "1", "architecture": "convnet"}


def convnet():
    tensors = []
    for name, shape in CONVNET:
        count = 1
        for d in shape:
            count *= d
        tensors.append((name, shape, [((i * 37) % 17 - 8) / 64.0 for i in range(count)]))
    return safetensors(tensors, model_meta)


put("model", "convnet", convnet())
put("model", "broken-format", safetensors(two, {"format": "other"}))
put("model", "broken-version", safetensors(two, dict(model_meta, version="2")))
put("model", "broken-architecture", safetensors(two, dict(model_meta, architecture="resnet")))
put("model", "broken-bnnet-missing", safetensors([("bn1.gamma", [32], [1.0] * 32)], dict(model_meta, architecture="bnnet")))
# The broken models stay small: each fails at the first tensor checked.
put("model", "broken-missing", safetensors([("conv1.bias", [32], [0.5] * 32)], model_meta))
put("model", "broken-shape", safetensors([("conv1.weight", [32, 9], [0.25] * 288)], model_meta))


# PNG: signature, chunks (length, type, body, CRC), image data deflated with a filter byte before each row.
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(width, height, depth, colour, rows, extra=(), interlace=0, end=True):
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, interlace))
    for kind, body in extra:
        out += chunk(kind, body)
    out += chunk(b"IDAT", zlib.compress(bytes(rows)))
    return out + (chunk(b"IEND", b"") if end else b"")


put("png", "gray8", png(3, 2, 8, 0, [0, 0, 128, 255, 1, 10, 20, 30]))
put("png", "filters", png(2, 5, 8, 0, [0, 9, 8, 1, 1, 2, 2, 3, 4, 3, 5, 6, 4, 7, 8]))
put("png", "gray1", png(9, 1, 1, 0, [0, 0b1010_0000, 0b1000_0000]))
put("png", "gray16", png(2, 1, 16, 0, [0, 0x12, 0x34, 0xFF, 0x00]))
put("png", "rgb8", png(2, 1, 8, 2, [0, 255, 0, 0, 0, 0, 255]))
put("png", "rgba16", png(1, 1, 16, 6, [0, 1, 2, 3, 4, 5, 6, 0x80, 0]))
put("png", "gray-alpha", png(1, 2, 8, 4, [0, 0, 128, 2, 10, 10]))
put("png", "palette", png(3, 1, 8, 3, [0, 0, 1, 2], extra=[(b"PLTE", bytes([0, 0, 0, 255, 255, 255, 9, 9, 9])),
                                                         (b"tRNS", bytes([0, 128]))]))
put("png", "palette2", png(4, 1, 2, 3, [0, 0b00011011], extra=[(b"PLTE", bytes(range(12)))]))
put("png", "broken-truncated", png(3, 2, 8, 0, [0] * 8)[:-20])
put("png", "broken-interlaced", png(1, 1, 8, 0, [0, 0], interlace=1))
put("png", "broken-filter", png(1, 1, 8, 0, [7, 0]))
put("png", "broken-palette-index", png(1, 1, 8, 3, [0, 5], extra=[(b"PLTE", bytes(3))]))
put("png", "broken-no-end", png(1, 1, 8, 0, [0, 0], end=False))
put("png", "broken-zero-width", png(0, 1, 8, 0, [0]))
put("png", "broken-depth", png(1, 1, 3, 0, [0, 0]))

# PGM: P5 (binary) or P2 (ASCII), width, height, maxval, then the pixels.
put("pgm", "p5", b"P5\n3 2\n255\n" + bytes([0, 128, 255, 1, 2, 3]))
put("pgm", "p5-16bit", b"P5 2 1 65535\n" + bytes([0x12, 0x34, 0xFF, 0xFF]))
put("pgm", "p2-comment", b"P2\n# a comment\n2 2\n15\n0 15\n5 10\n")
put("pgm", "broken-truncated", b"P5\n4 4\n255\n" + bytes([1, 2]))
put("pgm", "broken-maxval", b"P2 1 1 0\n0\n")
put("pgm", "broken-zero", b"P5\n0 4\n255\n")
put("pgm", "broken-huge", b"P5 99999999 99999999 255\n\0")


# JPEG: small images encoded by ImageMagick (gray and colour, baseline and progressive), then broken copies.
def jpeg(header, pixels, *options):
    return subprocess.run(["convert", header + ":-", "-strip", "-quality", "85", *options, "jpg:-"],
                          input=pixels, stdout=subprocess.PIPE, check=True).stdout


def ramp(width, height, channels):
    return bytes((x * 37 + y * 11 + c * 90) % 256 for y in range(height) for x in range(width) for c in range(channels))


gray = jpeg("pgm", b"P5 12 9 255\n" + ramp(12, 9, 1), "-type", "Grayscale")
colour = jpeg("ppm", b"P6 10 7 255\n" + ramp(10, 7, 3))
progressive = jpeg("ppm", b"P6 17 16 255\n" + ramp(17, 16, 3), "-interlace", "JPEG")
put("jpeg", "gray", gray)
put("jpeg", "colour-420", colour)
put("jpeg", "colour-444", jpeg("ppm", b"P6 9 9 255\n" + ramp(9, 9, 3), "-sampling-factor", "1x1"))
put("jpeg", "progressive", progressive)
put("jpeg", "progressive-gray", jpeg("pgm", b"P5 8 16 255\n" + ramp(8, 16, 1), "-type", "Grayscale",
                                     "-interlace", "JPEG"))
put("jpeg", "broken-truncated", colour[:-30])
put("jpeg", "broken-progressive-truncated", progressive[:len(progressive) * 2 // 3])
put("jpeg", "broken-header-only", gray[:20])
put("jpeg", "broken-no-end", gray[:-2])
sof = gray.index(b"\xff\xc0")
put("jpeg", "broken-zero-width", gray[:sof + 7] + b"\0\0" + gray[sof + 9:])
put("jpeg", "broken-huge", gray[:sof + 5] + b"\xff\xdc\xff\xdc" + gray[sof + 9:])
put("jpeg", "broken-scan", gray[:-40] + bytes(range(38)) + gray[-2:])


# The personal sample journal: "DIGITSAMPLES", version u32, then records of marker u32 ("SMPL"), payload length
# u32, payload, CRC-32 of length and payload u32, all little-endian. A payload is label u8, recorded i64 (ms),
# canvas width u32, height u32, 784 image bytes, stroke count u32, then per stroke radius f32, point count u32 and
# (x f32, y f32) per point.
JOURNAL = b"DIGITSAMPLES" + struct.pack("<I", 1)


def record(label, millis, strokes=(), canvas=(0, 0)):
    payload = struct.pack("<BqII", label, millis, *canvas) + bytes((i * label + 3) % 256 for i in range(784))
    payload += struct.pack("<I", len(strokes))
    for radius, points in strokes:
        payload += struct.pack("<fI", radius, len(points)) + b"".join(struct.pack("<ff", x, y) for x, y in points)
    framed = struct.pack("<I", len(payload)) + payload
    return b"SMPL" + framed + struct.pack("<I", zlib.crc32(framed) & 0xFFFFFFFF)


one = record(7, 1_700_000_000_000)
drawn = record(3, 1_700_000_123_456, [(6.0, [(10.0, 12.5), (40.0, 80.0), (41.5, 90.0)]), (4.5, [(5.0, 5.0)])],
               (280, 280))
put("personal", "empty", JOURNAL)
put("personal", "one", JOURNAL + one)
put("personal", "two-with-strokes", JOURNAL + one + drawn)
put("personal", "torn", JOURNAL + one + drawn[:100])
put("personal", "torn-checksum", JOURNAL + one[:-1] + bytes([one[-1] ^ 1]))
put("personal", "damage-between", JOURNAL + one + b"\x00garbage\xff" + drawn)
put("personal", "bad-label", JOURNAL + record(12, 0))
put("personal", "foreign", b"P5 1 1 255\n\0")
put("personal", "newer-version", b"DIGITSAMPLES" + struct.pack("<I", 2) + one)
put("personal", "short-header", JOURNAL[:9])
