"""Files out of a ZIP archive someone else made: bounded in every way a ZIP can be abused.

Nothing is extracted to disk: entries are read into memory, one at a time, under limits on
the archive's size, the number of entries, each entry's size (as read, not as declared), the
total, and the compression ratio. Names are labels only; ones that climb out of the archive
(absolute, ``..``), carry control characters or are too long are refused with their entry.
Archives inside the archive are not opened.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from transcript.util.text import INVISIBLE

MIB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    archive_bytes: int = 256 * MIB
    entries: int = 2000
    entry_bytes: int = 16 * MIB
    total_bytes: int = 512 * MIB
    ratio: int = 200  # a transcript PDF compresses by a few times; a bomb by thousands


@dataclass(frozen=True)
class Entry:
    """One member: its name, and its bytes or why it was not read (`problem`)."""

    name: str
    data: bytes | None
    problem: str | None = None


class ArchiveError(Exception):
    """The archive as a whole cannot be read (the reason is in the message)."""


_BAD_NAME = re.compile(f"[{INVISIBLE}\\\\]")


def read_zip(data: bytes, limits: ArchiveLimits = ArchiveLimits()) -> Iterator[Entry]:
    """The archive's files in order, each read within the limits. Raises `ArchiveError` when
    the archive itself is too large, not a ZIP, or has too many entries; a single bad entry
    is yielded with its problem, and the rest go on."""
    if len(data) > limits.archive_bytes:
        raise ArchiveError(f"the archive is {len(data):,} bytes, over the limit of {limits.archive_bytes:,}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ArchiveError(f"not a readable ZIP archive ({exc})") from None
    files = [m for m in members if not m.is_dir()]
    if len(files) > limits.entries:
        raise ArchiveError(f"the archive has {len(files):,} files, more than {limits.entries:,}")
    total = 0
    offsets: set[int] = set()
    for member in files:
        name = member.filename
        label = name if len(name) <= 200 and not _BAD_NAME.search(name) else repr(name)[:200]
        if len(name) > 200 or _BAD_NAME.search(name) or name.startswith("/") or ".." in name.split("/"):
            yield Entry(label, None, "the entry's name is not a plain relative path")
            continue
        if member.flag_bits & 0x1:
            yield Entry(label, None, "the entry is encrypted")
            continue
        if member.file_size > limits.entry_bytes:
            yield Entry(label, None, f"the entry is {member.file_size:,} bytes, over {limits.entry_bytes:,}")
            continue
        if member.compress_size and member.file_size / member.compress_size > limits.ratio:
            yield Entry(label, None, "the entry is compressed beyond any transcript's ratio (a ZIP bomb?)")
            continue
        if member.header_offset in offsets:
            yield Entry(label, None, "the entry shares its data with another (a crafted archive)")
            continue
        offsets.add(member.header_offset)
        budget = min(limits.entry_bytes, limits.total_bytes - total)
        if budget <= 0:
            raise ArchiveError(f"the archive holds more than {limits.total_bytes:,} bytes once inflated")
        try:
            with archive.open(member) as stream:
                content = stream.read(budget + 1)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
            total += budget  # what inflating it may have cost counts, read or not
            yield Entry(label, None, f"the entry cannot be read ({exc})")
            continue
        if len(content) > budget:
            if total + len(content) > limits.total_bytes:
                raise ArchiveError(f"the archive holds more than {limits.total_bytes:,} bytes once inflated")
            yield Entry(label, None, "the entry inflates beyond what it declares (a ZIP bomb?)")
            continue
        total += len(content)
        yield Entry(label, content)
