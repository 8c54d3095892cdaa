"""The commands the README and docs/ show run as shown, in order, after the README's setup.

Each ```console block's `$ ` lines (with their `\\` continuations) and each ```python block of
the README run in a fresh folder holding a copy of the project's examples and the test data,
with this environment as `.venv` (and its bin first on PATH): what a reader has after
`make setup`. A command must exit 0, or the code its own comment documents ("exit code 1").

Three commands are not run as they stand, each for the reason given where it is handled:
`make setup` and `make test` are skipped, `make demo` runs without its install step, and
`transcript serve` gets a free port and is stopped once it answers.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from .helpers import ROOT, require_tool

# The pages of docs/ that show commands (the others show none, and are not looked at).
DOCS_WITH_COMMANDS = [
    path.name
    for path in sorted((ROOT / "docs").glob("*.md"))
    if "```console" in path.read_text(encoding="utf-8")
]


@dataclass(frozen=True)
class Snippet:
    source: str  # file:line
    kind: str  # console or python
    text: str

    @property
    def expected_exit(self) -> int:
        found = re.search(r"#.*\bexit code (\d+)", self.text)
        return int(found.group(1)) if found else 0


def snippets(path: Path) -> Iterator[Snippet]:
    """The console commands and Python blocks of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    kind: str | None = None
    command: list[str] = []
    start = 0
    python: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("```"):
            if kind is None:
                kind, start, python = line[3:].strip(), number, []
            else:
                if kind == "python":
                    yield Snippet(f"{path.name}:{start}", "python", "\n".join(python))
                kind = None
            continue
        if kind == "python":
            python.append(line)
        elif kind == "console" and (command or line.startswith("$ ")):
            if not command:
                start = number
            command.append(line.removeprefix("$ "))
            if not line.endswith("\\"):
                yield Snippet(f"{path.name}:{start}", "console", "\n".join(command))
                command = []


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """A reader's folder after `make setup`: the examples, the Makefile, the sample the docs
    validate, and this environment as .venv (the one `make setup` made, running this test)."""
    folder = tmp_path_factory.mktemp("reader")
    shutil.copytree(ROOT / "examples", folder / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    (folder / "tests" / "data").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "data" / "etda-v2.0-sample.xml", folder / "tests" / "data")
    (folder / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    return folder


def environment(project: Path) -> dict[str, str]:
    return {**os.environ, "PATH": f"{project / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}


def run_snippet(snippet: Snippet, project: Path) -> str | None:
    """Run one snippet in `project`; why it was not run as it stands, or None."""
    text = snippet.text
    if re.fullmatch(r"make (setup|test)\b.*", text, re.S):
        # setup: this test runs in the environment it made, and would install into it from the
        # copy; test: it is the suite this test belongs to.
        return "not run: " + text.split("#")[0].strip()
    if re.fullmatch(r"make demo\b.*", text, re.S):
        # The install step (.venv/.installed-run) is done: this test runs in that environment.
        text = "make -o .venv/.installed-run demo"
    if snippet.kind == "python":
        command = [str(Path(sys.prefix) / "bin" / "python"), "-c", text]
    elif re.search(r"\btranscript serve\b", text):
        assert "#" not in text, "a comment would swallow the port the test adds"
        serve(text, project)
        return "served, answered, stopped"
    else:
        command = ["bash", "-c", f"set -o pipefail; {text}"]
    done = subprocess.run(command, cwd=project, env=environment(project), capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert done.returncode == snippet.expected_exit, (
        f"{snippet.source}: {text!r} exited {done.returncode}, not {snippet.expected_exit}\n"
        f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    assert "Traceback" not in done.stderr, f"{snippet.source}: {done.stderr}"
    return None


def serve(text: str, project: Path) -> None:
    """`transcript serve` runs until Ctrl-C: started on a free port (8000 may be taken on the
    machine that runs the tests), asked for its health, then given Ctrl-C."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["bash", "-c", f"exec {text} --port {port}"]
    server = subprocess.Popen(command, cwd=project, env=environment(project), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"{text!r} stopped: {server.communicate()}"
            assert time.monotonic() < deadline, f"{text!r} did not answer on port {port}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr and "WARNING" not in stderr, stderr


def run_all(path: Path, project: Path, kinds: tuple[str, ...] = ("console", "python")) -> list[str]:
    """Run the page's snippets of `kinds` in order; a note for each."""
    notes = []
    for snippet in snippets(path):
        if snippet.kind in kinds:
            notes.append(f"{snippet.source}: {run_snippet(snippet, project) or 'ok'}")
    return notes


def test_the_readme_runs_as_written(project: Path) -> None:
    require_tool("make")
    found = list(snippets(ROOT / "README.md"))
    kinds = [s.kind for s in found]
    assert kinds.count("console") >= 6 and kinds.count("python") == 1
    assert any("make demo" in s.text for s in found) and any("transcript serve" in s.text for s in found)
    notes = run_all(ROOT / "README.md", project)
    assert (project / "out" / "report.csv").exists() and len(
        list((project / "out" / "issued").glob("*.pdf"))
    ) == 90
    assert sum("not run" in note for note in notes) == 2, notes  # make setup, make test


@pytest.mark.parametrize("page", DOCS_WITH_COMMANDS)
def test_the_docs_commands_run_as_written(page: str, project: Path) -> None:
    """After the README (the demo's output is there: the module runs the README first). The
    Python blocks of docs/ are sketches with your own bytes (`xml_bytes`): not run."""
    if not (project / "out" / "issued" / "demo-pki").exists():
        require_tool("make")
        subprocess.run(["make", "-o", ".venv/.installed-run", "demo"], cwd=project, env=environment(project),
                       capture_output=True, check=True, timeout=600)  # fmt: skip
    notes = run_all(ROOT / "docs" / page, project, kinds=("console",))
    assert notes and all(note.endswith(": ok") for note in notes), notes


def test_snippets_are_read_as_a_reader_reads_them(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```console\n$ a --x \\\n    --y   # exit code 1\noutput $ not a command\n$ b\n```\n"
        "```text\n$ not run\n```\n```python\nprint(1)\n```\n",
        encoding="utf-8",
    )
    found = list(snippets(page))
    assert [(s.kind, s.text, s.expected_exit) for s in found] == [
        ("console", "a --x \\\n    --y   # exit code 1", 1),
        ("console", "b", 0),
        ("python", "print(1)", 0),
    ]
    assert [s.source for s in found] == ["page.md:2", "page.md:5", "page.md:10"]
