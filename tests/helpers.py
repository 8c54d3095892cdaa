"""What tests share that is not a fixture: where things are, and the outside checkers."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples" / "transcripts"
SAMPLE = DATA / "etda-v2.0-sample.xml"


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


def tool_used_by(function: object) -> bool:
    """Whether a test function asks for an outside checker (`require_tool`), itself or
    through a function of its module that does."""
    import inspect
    import re

    try:
        source = inspect.getsource(function)  # type: ignore[arg-type]
        module = inspect.getsource(inspect.getmodule(function))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return False
    if "require_tool(" in source:
        return True
    helpers = re.findall(r"^def (\w+)\([^)]*\)[^:]*:\n(?:(?!^def ).*\n)*?.*require_tool\(", module, re.M)
    return any(re.search(rf"\b{name}\(", source) for name in helpers)
