"""The whole registrar run on a synthetic export: transcripts per second and where time goes.

    python benchmarks/issue.py [--students 2000] [--courses 50] [--jobs 2]

Writes a synthetic canonical export (see convert.py), then runs `issue_export` in fresh
processes, both languages, the demo PKI: the national profile (XAdES-B-T and PAdES-B-LTA,
time-stamped by the demo's TEST ONLY authority on loopback: five time-stamps per student)
and the short-lived form (PAdES B-B, no time-stamp). Prints students per second (signed XML
plus two signed PDF/A-3 each) for both, what the time-stamps cost per student, the share of
worker time per stage, the peak memory of the main process and of the largest worker, and
the CPU time of each side. The baseline in the same run is the conversion alone
(convert.py's work), for scale. Goal: 20 students/s on 2 cores for B-B.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from convert import write_export


def child(export: str, out: str, jobs: int, mode: str) -> None:
    import logging

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    start = time.perf_counter()
    stages: Counter[str] = Counter()
    if mode == "convert":
        from converters import convert_export

        report = convert_export(export, out, jobs=jobs)
        done = report.written
    else:
        from transcript.issuing.run import issue_export

        if mode == "short-lived":
            issued = issue_export(export, out, jobs=jobs, pades="B-B", timestamp=False)
        else:
            issued = issue_export(export, out, jobs=jobs)  # the national profile
        done = issued.count("issued")
        for record in issued.students:
            stages.update(record.seconds)
    print(
        json.dumps(
            {
                "done": done,
                "seconds": time.perf_counter() - start,
                "stages": stages,
                "main_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "worker_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                "main_cpu": _cpu(resource.RUSAGE_SELF),
                "worker_cpu": _cpu(resource.RUSAGE_CHILDREN),
            }
        )
    )


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def measure(export: Path, out: Path, jobs: int, mode: str) -> dict:
    run = subprocess.run(
        [sys.executable, __file__, "--child", str(export), str(out), str(jobs), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]), args.child[3])
        return
    with tempfile.TemporaryDirectory(prefix="issue-bench-") as scratch:
        export = Path(scratch) / "export"
        write_export(export, args.students, args.courses)
        baseline = measure(export, Path(scratch) / "converted", args.jobs, "convert")
        short = measure(export, Path(scratch) / "short", args.jobs, "short-lived")
        full = measure(export, Path(scratch) / "issued", args.jobs, "issue")
    print(f"synthetic export: {args.students:,} students x {args.courses} courses, {args.jobs} workers")
    for label, figures in (
        ("baseline: convert only (XML)", baseline),
        ("issue B-B, no time-stamp", short),
        ("issue national (B-T XML, B-LTA)", full),
    ):
        rate = figures["done"] / figures["seconds"]
        print(
            f"{label:34} {figures['done']:6,} in {figures['seconds']:7.1f} s = {rate:6.2f} students/s; "
            f"main {figures['main_kib'] / 1024:.0f} MiB, "
            f"largest worker {figures['worker_kib'] / 1024:.0f} MiB"
        )
    done = max(full["done"], 1)
    cost = 1000 * (full["seconds"] / done - short["seconds"] / max(short["done"], 1))
    print(
        f"the national profile's time-stamps and validation data cost {cost:.0f} ms per student (wall time)"
    )
    print(
        f"CPU time (issue, national profile): main process {full['main_cpu']:.1f} s, "
        f"workers {full['worker_cpu']:.1f} s "
        f"({1000 * full['worker_cpu'] / done:.1f} ms/student)"
    )
    total = sum(full["stages"].values()) or 1
    print("share of worker time per stage (issue, national profile):")
    for stage, seconds in sorted(full["stages"].items(), key=lambda kv: -kv[1]):
        per_student = 1000 * seconds / max(full["done"], 1)
        print(f"  {stage:10} {100 * seconds / total:5.1f}%  {per_student:7.1f} ms/student")


if __name__ == "__main__":
    main()
