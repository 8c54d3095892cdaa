"""Writing output files so that nobody ever sees half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

#: Prefix of temporary files; a run that was killed mid-write may leave some behind, and the
#: next run over the same folder removes them (`remove_partials`).
PARTIAL_PREFIX = ".partial-"


def _default_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


# mkstemp makes private (0600) files; finished outputs get the mode any new file would get.
_FILE_MODE = _default_mode()


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, flush it to disk, then rename."""
    handle, temporary = tempfile.mkstemp(prefix=PARTIAL_PREFIX, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, _FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def prepare_output(folder: Path) -> None:
    """Create `folder`, prove it is writable, and remove partial files of an interrupted run.

    Raises OSError when the folder cannot be created or written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(prefix=PARTIAL_PREFIX, dir=folder):
        pass
    for stale in folder.glob(f"{PARTIAL_PREFIX}*"):
        stale.unlink(missing_ok=True)
