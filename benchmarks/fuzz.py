"""A long fuzz run of the verifier: genuine files mutated, and random inputs, for minutes.

    python benchmarks/fuzz.py [--seconds 300] [--seed 1] [--mutator NAME ...] [--save DIR]

The mutators and the rule are those of the fuzz tests (``tests/verify/fuzzing.py``): genuine
signed XML (XAdES-B and -T) and packages (PAdES B-B and B-LT) mutated by tree edits, byte
edits, full rewrites and incremental updates, and random bytes. Each input is verified, its
report shown every way (JSON, text, brief), and judged: a mutated file may pass only with the
genuine signed XML, signer and pages; a rewrite, a visible incremental change or random bytes
never. The mutators take turns until the time is up; input i of a run uses the random source
``random.Random(f"{seed}:{i}")``, so a failure is found again with the same seed and mutators.

Per mutator: inputs (and how many came out the same as the genuine file), verdicts, the
slowest verification and the largest resident memory seen after one. Exit status 1 when any
verification raised, took longer than ``--timeout``, or passed a file it must not.
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.verify.fuzzing import MUTATORS, RANDOM_INPUTS, Mutator, exercise, judge, make_genuine, mutate  # noqa: E402
from transcript.verify import Verdict, verify  # noqa: E402

ALL = MUTATORS + RANDOM_INPUTS


class Hang(BaseException):
    """Raised by the alarm in a verification that takes too long (a BaseException, so that
    the verifier's own `except Exception` does not take it for bad input)."""


@dataclass
class Tally:
    inputs: int = 0
    unchanged: int = 0  # the mutation happened to give the genuine file back
    verdicts: collections.Counter = field(default_factory=collections.Counter)
    slowest: float = 0.0
    rss: float = 0.0


def resident_mb() -> float:
    """The resident memory now (Linux), else the peak so far."""
    try:
        with open("/proc/self/statm") as status:
            return int(status.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return peak_mb()


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--mutator", action="append", choices=[m.name for m in ALL], help="only these")
    parser.add_argument("--timeout", type=float, default=30, help="seconds one verification may take")
    parser.add_argument("--save", type=Path, help="write each failing input into this folder")
    args = parser.parse_args()
    mutators: list[Mutator] = [m for m in ALL if not args.mutator or m.name in args.mutator]

    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        genuine = make_genuine(Path(scratch))
    tallies = {m.name: Tally() for m in mutators}
    failures: list[str] = []
    harness: list[str] = []

    def alarm(signum: int, frame: object) -> None:
        raise Hang

    timed = hasattr(signal, "SIGALRM")
    if timed:
        signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    index = 0
    while time.monotonic() - started < args.seconds:
        mutator = mutators[index % len(mutators)]
        label = f"{mutator.name} input {args.seed}:{index}"
        rng = random.Random(f"{args.seed}:{index}")
        index += 1
        try:
            base, data = mutate(mutator, genuine, rng)
        except Exception as exc:  # the harness's own defect: shown, not blamed on the verifier
            harness.append(f"{label}: the mutator raised {type(exc).__name__}: {exc}")
            continue
        tally = tallies[mutator.name]
        tally.inputs += 1
        tally.unchanged += data == genuine.files.get(base)
        problem = None
        clock = time.perf_counter()
        try:
            if timed:
                signal.setitimer(signal.ITIMER_REAL, args.timeout)
            try:
                report = verify(data, genuine.trust)
                exercise(report)
            finally:
                if timed:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except Hang:
            problem = f"took longer than {args.timeout:g} s"
        except Exception:
            problem = "raised:\n" + traceback.format_exc(limit=-6)
        elapsed = time.perf_counter() - clock
        tally.slowest = max(tally.slowest, elapsed)
        tally.rss = max(tally.rss, resident_mb())
        if problem is None:
            tally.verdicts[report.verdict] += 1
            problem = judge(mutator, base, data, report, genuine)
            if problem is None and elapsed > args.timeout:
                problem = f"took {elapsed:.1f} s (over {args.timeout:g} s)"
        if problem is not None:
            failures.append(f"{label} (from {base}, {len(data):,} bytes): {problem}")
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                suffix = ".pdf" if data[:5] == b"%PDF-" else ".xml"
                (args.save / f"{mutator.name}-{args.seed}-{index - 1}{suffix}").write_bytes(data)
            if problem.startswith("took longer"):
                break  # the verifier may be left in any state; stop here

    total = sum(t.inputs for t in tallies.values())
    print(f"fuzzed for {time.monotonic() - started:.0f} s, seed {args.seed}: {total:,} inputs")
    columns = ("inputs", "same", "PASSED", "FAILED", "INDET")
    print(f"{'mutator':26} " + " ".join(f"{c:>7}" for c in columns) + f" {'slowest ms':>11} {'RSS MiB':>8}")
    for name, t in tallies.items():
        passed, failed = t.verdicts[Verdict.TOTAL_PASSED], t.verdicts[Verdict.TOTAL_FAILED]
        undecided = t.verdicts[Verdict.INDETERMINATE]
        print(
            f"{name:26} {t.inputs:7} {t.unchanged:7} {passed:7} {failed:7} {undecided:7} "
            f"{t.slowest * 1000:11.1f} {t.rss:8.0f}"
        )
    peak = max([peak_mb(), *(t.rss for t in tallies.values())])
    print(f"peak resident memory of the run: {peak:.0f} MiB")
    if harness:
        print(f"\n{len(harness)} input(s) the mutators could not make (not counted):")
        for problem in harness[:5]:
            print(f"- {problem}")
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for failure in failures[:20]:
            print(f"- {failure}")
        return 1
    print("no verification raised, hung or passed a file it must not")
    return 0


if __name__ == "__main__":
    logging.disable(logging.CRITICAL)  # pyHanko logs every refused revision
    sys.exit(main())
