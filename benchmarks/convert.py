"""How fast a registrar export converts, and whether memory stays flat as it grows.

    python benchmarks/convert.py [--students 20000] [--courses 50] [--jobs 2]

Writes a synthetic canonical export (students.csv + enrollments.csv, plus the example's
institution.toml) to a temporary folder, then converts it in a fresh process:

- the full export with --jobs workers;
- a quarter of it, to compare memory: the main process streams enrollments, so its peak
  should barely move while the export grows four-fold;
- a small slice with one process, as the single-core baseline of the same run.

Prints students per second, milliseconds per student and peak resident memory of the main
process and of the largest worker.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYMBOLS = ["A", "B+", "B", "C+", "C", "D+", "D", "F", "S", "W", "A", "B+"]
STUDENT_COLUMNS = [
    "student_id", "national_id", "prefix_th", "given_name_th", "family_name_th", "prefix_en",
    "given_name_en", "family_name_en", "gender", "birth_date", "nationality", "admission_date",
    "graduation_date", "faculty_th", "faculty_en", "program_id", "program_th", "program_en",
    "degree_th", "degree_en",
]  # fmt: skip
ENROLLMENT_COLUMNS = [
    "student_id", "year", "semester", "course_code", "title_th", "title_en", "category_th",
    "category_en", "credits", "grade",
]  # fmt: skip


def nidn(n: int) -> str:
    first = f"1{n:011d}"
    total = sum(int(d) * (13 - i) for i, d in enumerate(first))
    return first + str((11 - total % 11) % 10)


# Names vary as a registrar's do: each transcript's own characters in its own order (a font
# is embedded as the subset of characters a document uses, in the order they appear).
GIVEN_NAMES = [
    ("1", "สมชาย", "Somchai"), ("2", "สุดา", "Suda"), ("1", "วิชัย", "Wichai"),
    ("2", "กมลชนก", "Kamonchanok"), ("1", "ณัฐวุฒิ", "Nattawut"), ("1", "ปิยะพงษ์", "Piyapong"),
    ("2", "ศิริพร", "Siriporn"), ("1", "ธนพล", "Thanaphon"), ("2", "อรุณี", "Arunee"),
    ("2", "ภัทรา", "Phattra"), ("1", "เกียรติศักดิ์", "Kiattisak"), ("2", "ฐิติมา", "Thitima"),
    ("1", "จักรพันธ์", "Jakkaphan"), ("2", "ญาณิศา", "Yanisa"),
]  # fmt: skip
FAMILY_NAMES = [
    ("ใจดี", "Jaidee"), ("ศรีสุข", "Srisuk"), ("วงศ์สวัสดิ์", "Wongsawat"), ("ทองคำ", "Thongkham"),
    ("แก้วมณี", "Kaewmanee"), ("บุญมา", "Boonma"), ("เพชรรัตน์", "Phetcharat"),
    ("สุขสวัสดิ์", "Suksawat"), ("รุ่งเรือง", "Rungrueang"), ("จันทร์เพ็ญ", "Chanphen"),
    ("ปัญญาวงศ์", "Panyawong"), ("ฤทธิ์เดช", "Ritthidet"), ("โชติช่วง", "Chotchuang"),
]  # fmt: skip
PREFIXES = {"1": ("นาย", "Mr."), "2": ("นางสาว", "Ms.")}


def write_export(folder: Path, students: int, courses: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "examples" / "registrar" / "institution.toml", folder)
    shutil.copy(ROOT / "examples" / "registrar" / "logo.png", folder)
    with (folder / "students.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(STUDENT_COLUMNS)
        for n in range(students):
            gender, given_th, given_en = GIVEN_NAMES[n % len(GIVEN_NAMES)]
            family_th, family_en = FAMILY_NAMES[n % len(FAMILY_NAMES)]
            out.writerow(
                [
                    f"6{n:08d}", nidn(n), PREFIXES[gender][0], given_th, family_th, PREFIXES[gender][1],
                    given_en, family_en, gender, "2002-05-03", "TH", "2020-06-15", "2024-05-31",
                    "คณะวิศวกรรมศาสตร์", "Faculty of Engineering", "25630011100456", "วิศวกรรมคอมพิวเตอร์",
                    "Computer Engineering", "วิศวกรรมศาสตรบัณฑิต", "Bachelor of Engineering",
                ]
            )  # fmt: skip
    with (folder / "enrollments.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(ENROLLMENT_COLUMNS)
        for n in range(students):
            for c in range(courses):
                year, semester = 2563 + c // 14, str(c // 7 % 2 + 1)
                out.writerow(
                    [
                        f"6{n:08d}", year, semester, f"CS{c:03d}", f"วิชาที่ {c} การคำนวณ",
                        f"Computing {c}", "หมวดวิชาเฉพาะ", "Specialised Courses", 3,
                        SYMBOLS[(n + c) % len(SYMBOLS)],
                    ]
                )  # fmt: skip


def child(export: str, out: str, jobs: int) -> None:
    """Run one conversion in this (fresh) process and print its figures as JSON."""
    import datetime as dt

    from converters import convert_export

    start = time.perf_counter()
    report = convert_export(export, out, jobs=jobs, issued=dt.datetime(2024, 6, 15, 10, 0))
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "written": report.written,
                "skipped": report.skipped,
                "seconds": seconds,
                "main_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "worker_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            }
        )
    )


def measure(export: Path, out: Path, jobs: int) -> dict[str, float]:
    shutil.rmtree(out, ignore_errors=True)
    run = subprocess.run(
        [sys.executable, __file__, "--child", str(export), str(out), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=20000)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return

    with tempfile.TemporaryDirectory(prefix="convert-bench-") as scratch:
        base = Path(scratch)
        runs = [
            ("single core, 1/20 of the students", max(1, args.students // 20), 1),
            (f"{args.jobs} workers, 1/4 of the students", max(1, args.students // 4), args.jobs),
            (f"{args.jobs} workers, all students", args.students, args.jobs),
        ]
        print(f"synthetic export: {args.students:,} students x {args.courses} courses")
        print(f"{'run':38} {'students':>9} {'seconds':>8} {'students/s':>11} {'ms/student':>11} "
              f"{'main MiB':>9} {'worker MiB':>11}")  # fmt: skip
        for label, students, jobs in runs:
            export = base / f"export-{students}"
            started = time.perf_counter()
            write_export(export, students, args.courses)
            written_in = time.perf_counter() - started
            figures = measure(export, base / "out", jobs)
            assert figures["written"] == students and figures["skipped"] == 0, figures
            rate = students / figures["seconds"]
            print(
                f"{label:38} {students:9,} {figures['seconds']:8.1f} {rate:11.1f} "
                f"{1000 / rate * jobs:11.1f} {figures['main_kib'] / 1024:9.0f} "
                f"{figures['worker_kib'] / 1024:11.0f}   (export written in {written_in:.1f} s)"
            )
        print("ms/student is per worker (wall time x workers / students).")


if __name__ == "__main__":
    main()
