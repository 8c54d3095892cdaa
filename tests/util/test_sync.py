"""Coroutines run from synchronous code: results, errors, leftovers and threads."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from transcript.util import sync


async def _value(x: int) -> int:
    await asyncio.sleep(0)
    return x * 2


async def _failing() -> None:
    await asyncio.sleep(0)
    raise ValueError("no")


def test_results_and_errors_come_back_and_the_loop_goes_on() -> None:
    assert sync.run(_value(2)) == 4
    with pytest.raises(ValueError, match="no"):
        sync.run(_failing())
    assert sync.run(_value(5)) == 10


def test_tasks_a_coroutine_leaves_behind_are_cancelled() -> None:
    started: list[asyncio.Task[None]] = []

    async def leaves_a_task() -> int:
        started.append(asyncio.get_running_loop().create_task(asyncio.sleep(3600)))
        return 1

    assert sync.run(leaves_a_task()) == 1
    assert started[0].cancelled()


def test_each_thread_has_its_own_loop() -> None:
    async def loop_id() -> int:
        await asyncio.sleep(0.01)
        return id(asyncio.get_running_loop())

    together = threading.Barrier(4)  # four threads at once, each with a task

    def in_a_thread(_: int) -> int:
        together.wait(timeout=10)
        return sync.run(loop_id())

    with ThreadPoolExecutor(max_workers=4) as pool:
        loops = list(pool.map(in_a_thread, range(4)))
    assert len(set(loops)) == 4
    assert sync.run(loop_id()) == sync.run(loop_id())  # one thread: one loop, kept


def test_the_contexts_given_are_closed_after_the_call() -> None:
    """A validation context that fetched opened a network session: closed after the call, on
    the loop that ran it (pyHanko's `aclose`), even when the call failed."""
    from transcript.util import sync

    class Context:
        closed = 0

        async def aclose(self) -> None:
            Context.closed += 1

    async def fails() -> None:
        raise ValueError("no")

    async def answers() -> int:
        return 7

    context = Context()
    assert sync.run(answers(), closing=(context,)) == 7
    with pytest.raises(ValueError):
        sync.run(fails(), closing=(context,))
    assert Context.closed == 2


def _after_fork(queue: Any) -> None:
    queue.put(sync.run(asyncio.to_thread(lambda: "from a thread of the child")))


def test_a_forked_process_runs_coroutines_that_use_threads() -> None:
    """The parent's loop has executor threads (asyncio.to_thread, as the time-stamp client
    uses); a forked worker must not wait on those threads, which it does not have."""
    assert sync.run(asyncio.to_thread(lambda: "parent")) == "parent"
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_after_fork, args=(queue,))
    child.start()
    child.join(timeout=20)
    alive = child.is_alive()
    if alive:
        child.kill()
    assert not alive, "the forked process hung on its parent's executor"
    assert queue.get(timeout=5) == "from a thread of the child"
