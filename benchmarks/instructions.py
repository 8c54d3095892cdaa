"""Instructions per issued student, this tree against a git revision: a measure the machine's
speed does not move.

    python benchmarks/instructions.py [--rev HEAD~5] [--students 4] [--courses 50]

Wall-clock figures on a shared machine vary by up to 2x between minutes, which hides
changes of a few per cent. This counts the instructions the issuing pipeline of one worker
executes per student (convert, sign, verify, render both editions, package, PAdES B-B,
self-check, write) under valgrind's cachegrind, for the working tree and for `--rev`
(checked out in a temporary worktree), on the same synthetic export and demo PKI. Each count
is (run with N students) - (run with none), divided by N, so start-up and the first
student's one-time loading cancel out. The measured process behaves as a worker of
`transcript issue --jobs 2` does. Needs valgrind; about a minute per run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from convert import write_export

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import datetime as dt, logging, multiprocessing, sys
from pathlib import Path
multiprocessing.parent_process = lambda: True  # run as an issuing worker process would
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
from transcript.issuing import run as issuing
from transcript.pki.keys import password_from
from transcript.demo.pki import DemoPki
from converters.export import ExportReader
from converters.profile import load_profile

export, out, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
pki = DemoPki(Path(sys.argv[4]))
settings = issuing.IssueSettings(
    export, out, None, pki.registrar_p12, password_from(password_file=pki.password_file), None,
    (pki.root,), tuple(pki.crls), ("th", "en"), "B-B", None, True,
    dt.datetime(2026, 1, 15, 12, 0, tzinfo=issuing.BANGKOK),
)
issuing._start(settings)
rows = list(ExportReader(export, load_profile(None)))
issuing._issue(rows[0], "warm-up")  # fonts, schemas, trust: loaded once per worker
for row in rows[1 : 1 + count]:
    record = issuing._issue(row, "measured")
    assert record.status == "issued", record.problems
"""


def instructions(tree: Path, scratch: Path, export: Path, pki: Path, count: int) -> int:
    out = Path(tempfile.mkdtemp(dir=scratch))
    script = scratch / "child.py"
    script.write_text(CHILD)
    run = subprocess.run(
        [
            "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
            sys.executable, str(script), str(export), str(out), str(count), str(pki),
        ],
        capture_output=True, text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
    )  # fmt: skip
    match = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if run.returncode != 0 or match is None:
        raise SystemExit(f"the measured run failed in {tree}:\n{run.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def per_student(tree: Path, scratch: Path, export: Path, pki: Path, count: int) -> float:
    return (
        instructions(tree, scratch, export, pki, count) - instructions(tree, scratch, export, pki, 0)
    ) / count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rev", default="HEAD", help="the git revision to compare with (default HEAD)")
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--courses", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    from transcript.demo.pki import create_demo_pki

    with tempfile.TemporaryDirectory(prefix="instructions-") as folder:
        scratch = Path(folder)
        export, pki, baseline = scratch / "export", scratch / "demo-pki", scratch / "baseline"
        write_export(export, args.students + 1, args.courses)
        create_demo_pki(pki)
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--quiet", str(baseline), args.rev], cwd=ROOT, check=True
        )
        try:
            old = per_student(baseline, scratch, export, pki, args.students)
            new = per_student(ROOT, scratch, export, pki, args.students)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False)
    print(f"instructions per student ({args.students} students x {args.courses} courses, one worker, B-B):")
    print(f"  baseline: {args.rev:20} {old / 1e6:8.1f} M")
    print(f"  {'working tree':30} {new / 1e6:8.1f} M  ({new / old:.2f}x)")


if __name__ == "__main__":
    main()
