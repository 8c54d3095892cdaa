from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples" / "transcripts"
SAMPLE = DATA / "etda-v2.0-sample.xml"


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="session")
def example_paths() -> list[Path]:
    paths = sorted(EXAMPLES.glob("*.xml"))
    assert len(paths) >= 3
    return paths


@pytest.fixture(scope="session")
def honours_bytes() -> bytes:
    return (EXAMPLES / "bachelor-honours.xml").read_bytes()


def load_script(path: Path, name: str):
    """Import a script that is not part of a package (the example builders)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def require_tool(name: str) -> str:
    """The path of an external checker; skipped locally when absent, a failure in CI."""
    import os
    import shutil

    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{name} is required in CI but not installed (see .ci/run)")
    pytest.skip(f"{name} is not installed")


@pytest.fixture
def speedups():  # type: ignore[no-untyped-def]
    """Every speed-up of `transcript._speedups` enabled for one test, the libraries' own code
    given back after it (skipped where the libraries are not at the pinned versions)."""
    from transcript import _speedups

    if _speedups.mismatched():
        pytest.skip(f"libraries not at the speed-ups' pinned versions: {_speedups.mismatched()}")
    _speedups.enable()
    yield
    _speedups.disable()
