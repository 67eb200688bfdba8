#!/usr/bin/env python3
"""Compare two 8-bit RGB or RGBA PNG files pixel by pixel (no third-party modules).

Usage: pngdiff.py EXPECTED ACTUAL
Exit 0 when every pixel matches; else print how many differ and where the
first ones are, and exit 1.
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG file")
    pos, idat, head = 8, b"", None
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if head is None:
        sys.exit(f"{path}: no IHDR chunk")
    width, height, depth, colour, _, _, interlace = head
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        sys.exit(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are supported")
    raw, stride = zlib.decompress(idat), width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        base = y * (stride + 1)
        kind, line = raw[base], bytearray(raw[base + 1:base + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + b) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 0xFF
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        prev = line
    return width, height, rows


def main():
    expected, actual = sys.argv[1:3]
    ew, eh, e = decode(expected)
    aw, ah, a = decode(actual)
    if (ew, eh) != (aw, ah):
        print(f"size differs: expected {ew}x{eh}, got {aw}x{ah}")
        return 1
    diffs = [(x, y) for y in range(eh) for x in range(ew) if e[y][x] != a[y][x]]
    if diffs:
        print(f"{len(diffs)} of {ew * eh} pixels differ; first ones:")
        for x, y in diffs[:8]:
            print(f"  ({x},{y}): expected {e[y][x]}, got {a[y][x]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
