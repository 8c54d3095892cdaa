"""Fixtures shared by the tests (plain helpers are in tests/helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import EXAMPLES, SAMPLE, tool_used_by


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


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):  # type: ignore[no-untyped-def]
    """SoftHSM2 tokens with registrar keys (tests/softhsm.py), for this test session; its
    configuration is this process's (SOFTHSM2_CONF), and passes to the commands it runs."""
    from tests.softhsm import make_softhsm

    made = make_softhsm(tmp_path_factory.mktemp("softhsm"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(made.conf))
        yield made


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    """Tests that run an outside checker (xmlsec1, poppler, qpdf, zbar, Chromium...) carry the
    `tool` marker: `pytest -m "not tool"` runs without them; in CI a missing one fails."""
    for item in items:
        if tool_used_by(item.function):
            item.add_marker(pytest.mark.tool)
