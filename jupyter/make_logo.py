"""make_logo.py — draws nn's logo (a small 2-3-1 network above the letters "nn") as
jupyter/logo-svg.svg and, rasterised here in pure Python (zlib + struct, no imaging
library), jupyter/logo-32x32.png and jupyter/logo-64x64.png: the kernelspec's logos.
One list of shapes feeds both, so the PNGs are the SVG's pixels.
    /usr/bin/python3 jupyter/make_logo.py
"""

import os
import struct
import zlib

SIZE = 64  # the drawing's units: a 64 x 64 square
BLUE, EDGE, NODE, WHITE = "#23497a", "#9cc3ea", "#ffd34d", "#ffffff"

INPUTS = [(14, 13), (14, 29)]
HIDDEN = [(32, 8), (32, 21), (32, 34)]
OUTPUT = [(50, 21)]
NODE_R = 4.4
EDGE_HALF_WIDTH = 0.9


def letter_n(left):
    """An 'n' 14 units wide from x = left: two stems under a half ring."""
    cx, cy = left + 7, 49
    return [("rect", WHITE, (left, cy, left + 4, 58)),
            ("rect", WHITE, (left + 10, cy, left + 14, 58)),
            ("arch", WHITE, (cx, cy, 3, 7))]


def shapes():
    """The logo, back to front: (kind, colour, geometry)."""
    out = [("background", BLUE, (0, 0, SIZE, SIZE, 12))]
    for a, b in [(a, b) for a in INPUTS for b in HIDDEN] + [(a, b) for a in HIDDEN for b in OUTPUT]:
        out.append(("line", EDGE, (a, b, EDGE_HALF_WIDTH)))
    for c in INPUTS + HIDDEN + OUTPUT:
        out.append(("circle", NODE, (c, NODE_R)))
    return out + letter_n(16) + letter_n(34)


def svg():
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" '
             'viewBox="0 0 64 64">', "<title>nn</title>"]
    for kind, colour, g in shapes():
        if kind == "background":
            x0, y0, x1, y1, r = g
            parts.append('<rect x="%g" y="%g" width="%g" height="%g" rx="%g" fill="%s"/>'
                         % (x0, y0, x1 - x0, y1 - y0, r, colour))
        elif kind == "line":
            (x0, y0), (x1, y1), hw = g
            parts.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" '
                         'stroke-width="%g"/>' % (x0, y0, x1, y1, colour, 2 * hw))
        elif kind == "circle":
            (x, y), r = g
            parts.append('<circle cx="%g" cy="%g" r="%g" fill="%s"/>' % (x, y, r, colour))
        elif kind == "rect":
            x0, y0, x1, y1 = g
            parts.append('<rect x="%g" y="%g" width="%g" height="%g" fill="%s"/>'
                         % (x0, y0, x1 - x0, y1 - y0, colour))
        elif kind == "arch":
            cx, cy, r0, r1 = g
            parts.append('<path d="M%g %gA%g %g 0 0 1 %g %gH%gA%g %g 0 0 0 %g %gZ" fill="%s"/>'
                         % (cx - r1, cy, r1, r1, cx + r1, cy, cx + r0, r0, r0, cx - r0, cy,
                            colour))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def inside(kind, g, x, y):
    """Whether the point (x, y), in drawing units, is in the shape."""
    if kind == "background":
        x0, y0, x1, y1, r = g
        qx = max(x0 + r - x, 0, x - (x1 - r))
        qy = max(y0 + r - y, 0, y - (y1 - r))
        return x0 <= x <= x1 and y0 <= y <= y1 and qx * qx + qy * qy <= r * r
    if kind == "line":
        (x0, y0), (x1, y1), hw = g
        dx, dy = x1 - x0, y1 - y0
        t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
        ex, ey = x - (x0 + t * dx), y - (y0 + t * dy)
        return ex * ex + ey * ey <= hw * hw
    if kind == "circle":
        (cx, cy), r = g
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    if kind == "rect":
        x0, y0, x1, y1 = g
        return x0 <= x <= x1 and y0 <= y <= y1
    cx, cy, r0, r1 = g  # arch: the upper half of a ring
    d2 = (x - cx) ** 2 + (y - cy) ** 2
    return y <= cy and r0 * r0 <= d2 <= r1 * r1


def rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def raster(px, samples=4):
    """RGBA rows of the logo at px x px, each pixel the mean of samples² points."""
    scale = SIZE / px
    drawn = [(kind, rgb(colour), g) for kind, colour, g in shapes()]
    rows = []
    for j in range(px):
        row = bytearray()
        for i in range(px):
            acc = [0.0, 0.0, 0.0, 0.0]  # premultiplied colour and coverage
            for sj in range(samples):
                for si in range(samples):
                    x = (i + (si + 0.5) / samples) * scale
                    y = (j + (sj + 0.5) / samples) * scale
                    top = None
                    for kind, colour, g in drawn:
                        if inside(kind, g, x, y):
                            top = colour
                    if top is not None:
                        acc[0] += top[0]
                        acc[1] += top[1]
                        acc[2] += top[2]
                        acc[3] += 1
            n = samples * samples
            a = acc[3] / n
            if a == 0:
                row += bytes(4)
            else:
                row += bytes([round(acc[0] / acc[3]), round(acc[1] / acc[3]),
                              round(acc[2] / acc[3]), round(255 * a)])
        rows.append(bytes(row))
    return rows


def png(rows):
    """A PNG file (8-bit RGBA, no filtering) of the rows."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    h, w = len(rows), len(rows[0]) // 4
    raw = b"".join(b"\0" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "logo-svg.svg"), "w") as f:
        f.write(svg())
    for px in (32, 64):
        with open(os.path.join(here, "logo-%dx%d.png" % (px, px)), "wb") as f:
            f.write(png(raster(px)))


if __name__ == "__main__":
    main()
