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
