"""pyHanko's coroutines run from synchronous code, on one event loop per thread.

`asyncio.run` makes a new event loop for every call and, in the main thread, installs and
removes a Ctrl-C handler; for the few milliseconds of one certificate check that is a fifth
of a millisecond, three times for every issued student. Each thread here keeps its own
loop; like `asyncio.run`, a call cancels whatever tasks the coroutine left behind.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

Result = TypeVar("Result")


class _OwnLoop:
    """A thread's event loop, closed when the thread ends (and drops this).

    A process forked from this one (a worker of a process pool) inherits the loop, and with it
    the parent's epoll instance and wake-up pipe, shared with every other child: loops of two
    workers would take each other's events and wait for ever. A child makes its own loop, and
    keeps the inherited one, never closed: closing it (as collecting it would) unregisters the
    parent's descriptors from the shared epoll instance.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.pid = os.getpid()

    def __del__(self) -> None:
        self.loop.close()


_inherited: list[_OwnLoop] = []  # loops of the process this one was forked from: kept, unused


_local = threading.local()


def run(coroutine: Coroutine[Any, Any, Result], *, closing: Iterable[Any] = ()) -> Result:
    """Run `coroutine` to completion on this thread's event loop and return its result.

    `closing` are pyHanko validation contexts used by it: their network sessions (opened
    when fetching is allowed) are closed afterwards, on the same loop.
    """
    own = getattr(_local, "own", None)
    if own is None or own.pid != os.getpid():
        # A forked worker process gets its parent's loop, whose executor threads (those
        # `asyncio.to_thread` ran on) did not come along, and whose epoll instance and wake-up
        # pipe it would share with its siblings: it makes its own, and keeps the inherited one.
        if own is not None:
            _inherited.append(own)
        own = _local.own = _OwnLoop()
    loop = own.loop
    try:
        return loop.run_until_complete(coroutine)
    finally:
        for context in closing:
            loop.run_until_complete(context.aclose())
        left = [task for task in asyncio.all_tasks(loop) if not task.done()]
        if left:
            for task in left:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
