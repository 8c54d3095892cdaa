"""Streamed work across worker processes, for the converter and the issuing run alike."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

Result = TypeVar("Result")


def run_streamed(
    entries: Iterable[Any],
    work: Callable[[Any], Result],
    *,
    done: type[Result],
    jobs: int | None,
    start: Callable[..., None],
    start_args: tuple[Any, ...] = (),
    window_per_worker: int = 4,
) -> Iterator[Result]:
    """`work(entry)` for every entry, yielded as each finishes, on `jobs` processes.

    `jobs` defaults to every core; each worker is set up once with `start(*start_args)`
    (with one worker, this process is). Entries that are already results (instances of
    `done`) pass through. At most `window_per_worker` tasks per worker wait at once, so a
    streamed input is never queued whole; on an error or an interruption the waiting tasks
    are cancelled.
    """
    workers = jobs or os.cpu_count() or 1
    if workers == 1:
        start(*start_args)
        for entry in entries:
            yield entry if isinstance(entry, done) else work(entry)
        return
    window = workers * window_per_worker
    with ProcessPoolExecutor(max_workers=workers, initializer=start, initargs=start_args) as pool:
        pending: set[Future[Result]] = set()
        try:
            for entry in entries:
                if isinstance(entry, done):
                    yield entry
                    continue
                pending.add(pool.submit(work, entry))
                if len(pending) >= window:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in finished)
            for future in list(pending):
                yield future.result()
        except BaseException:
            for future in pending:
                future.cancel()
            raise
