"""An sRGB ICC profile (version 2.1), built byte by byte so that it is reproducible.

PDF/A needs an output intent with an ICC profile. Version 2 profiles are accepted by every
PDF/A part; littleCMS (through Pillow) would make a version 4 profile stamped with the time
of creation. This one is the IEC 61966-2.1 sRGB primaries adapted to D50 (Bradford) and the
sRGB transfer curve as a 1024-entry table; the same bytes every time.
"""

from __future__ import annotations

import struct
from functools import cache

_D50 = (0.9642, 1.0, 0.8249)
_RED = (0.4360747, 0.2225045, 0.0139322)
_GREEN = (0.3850649, 0.7168786, 0.0971045)
_BLUE = (0.1430804, 0.0606169, 0.7141733)


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def _text_description(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    return (
        b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_)) + ascii_
        + struct.pack(">II", 0, 0)  # Unicode language code and count
        + struct.pack(">HB", 0, 0) + b"\0" * 67  # ScriptCode code, count, 67 bytes
    )  # fmt: skip


def _text(text: str) -> bytes:
    return b"text" + b"\0" * 4 + text.encode("ascii") + b"\0"


def _curve() -> bytes:
    def srgb(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    points = [round(srgb(i / 1023) * 65535) for i in range(1024)]
    return b"curv" + b"\0" * 4 + struct.pack(">I", len(points)) + struct.pack(f">{len(points)}H", *points)


@cache
def srgb_profile() -> bytes:
    """The profile's bytes (about 3 KB)."""
    curve = _curve()
    tags = [
        (b"desc", _text_description("sRGB IEC61966-2.1 (thai-transcript)")),
        (b"cprt", _text("No copyright, use freely")),
        (b"wtpt", _xyz(*_D50)),
        (b"rXYZ", _xyz(*_RED)),
        (b"gXYZ", _xyz(*_GREEN)),
        (b"bXYZ", _xyz(*_BLUE)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    entries, data, placed = [], b"", {}
    for signature, body in tags:
        if body not in placed:  # the three curves share one copy
            offset_here = offset + len(data)
            placed[body] = offset_here
            data += body + b"\0" * (-len(body) % 4)
        entries.append(struct.pack(">4sII", signature, placed[body], len(body)))
    size = 128 + table_size + len(data)
    header = (
        struct.pack(">I", size) + b"\0\0\0\0" + struct.pack(">I", 0x02100000)
        + b"mntr" + b"RGB " + b"XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)  # a fixed date: the same bytes every time
        + b"acsp" + b"\0" * 4 + struct.pack(">I", 0) + b"\0" * 8 + b"\0" * 8
        + struct.pack(">I", 0)  # perceptual
        + _s15(_D50[0]) + _s15(_D50[1]) + _s15(_D50[2])
        + b"\0" * 4 + b"\0" * 16 + b"\0" * 28
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + b"".join(entries) + data
