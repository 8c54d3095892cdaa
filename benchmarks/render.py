"""How fast transcripts render to PDF, next to reportlab drawing the same tables without shaping.

    python benchmarks/render.py [--repeat 20]

One core. Milliseconds per PDF (median) for the 2-page bachelor's example in each edition
and a synthetic 200-course transcript, and pages per second. The baseline in the same run
is the shaping cost removed: the same layout with HarfBuzz shaping turned off (which would
misplace Thai marks; it only shows what correct Thai costs). Each run encodes its QR code
afresh, as a new transcript's first edition does; lines and cells come from the render
caches after the first run, as a curriculum's titles and the labels do in an issuing run
(the issue benchmark shows the mix with new names). Goal: a 2-page transcript under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from xmlio import synthetic

from transcript import _speedups
from transcript.render import layout, render_pdf

ROOT = Path(__file__).resolve().parent.parent


def timed(operation: Callable[[], bytes], repeat: int) -> tuple[float, int]:
    pdf = operation()
    runs = []
    for _ in range(repeat):
        layout.qr_operators.cache_clear()  # each run pays for its QR code, as a new transcript would
        start = time.perf_counter()
        operation()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000, pdf.count(b"/Type /Page\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    enabled = _speedups.enable()  # as the applications run (see transcript._speedups)
    print(f"speed-ups: {', '.join(enabled) or 'none (libraries not at the pinned versions)'}")
    bachelor = (ROOT / "examples" / "transcripts" / "bachelor-honours.xml").read_bytes()
    long = synthetic(200)
    cases = [
        ("2-page bachelor's, Thai edition", lambda: render_pdf(bachelor, "th")),
        ("2-page bachelor's, English edition", lambda: render_pdf(bachelor, "en")),
        ("200 courses, Thai edition", lambda: render_pdf(long, "th")),
    ]
    print(f"median of {args.repeat} runs, one core")
    print(f"{'document':44} {'ms/PDF':>8} {'pages':>6} {'pages/s':>8}")
    for label, operation in cases:
        ms, pages = timed(operation, args.repeat)
        print(f"{label:44} {ms:8.1f} {pages:6d} {pages * 1000 / ms:8.1f}")
    original = layout._styles

    def unshaped() -> layout._Styles:  # the baseline: no HarfBuzz
        styles = original()
        for style in vars(styles).values():
            if style is not None:
                style.shaping = 0
        return styles

    layout._styles = unshaped
    try:
        ms, pages = timed(lambda: render_pdf(bachelor, "th"), args.repeat)
        print(f"{'baseline: Thai edition without shaping':44} {ms:8.1f} {pages:6d} {pages * 1000 / ms:8.1f}")
    finally:
        layout._styles = original


if __name__ == "__main__":
    main()
