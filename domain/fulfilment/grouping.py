"""Group commit for per-item steps: many items' short database steps share one unit of work.

A batch of AWBs is hundreds of small transactions (claim before the courier call, record after it). One commit
each means one disk flush each, and a popular product's stock row stays locked across every one of them, so
the batch would crawl at the disk's flush rate whatever the courier's speed. Here, while one group commits the
next one gathers: each item still runs in its own savepoint, so an item that fails (a domain refusal, a
deadlock, a constraint) is undone alone and reported to its caller, and the others commit together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from domain.ports import UnitOfWork

T = TypeVar("T")
R = TypeVar("R")


class GroupRunner(Generic[T, R]):
    def __init__(self, uow_factory: Callable[[], UnitOfWork], step: Callable[[UnitOfWork, T], Awaitable[R]],
                 *, max_group: int = 32, parallel: int = 3) -> None:
        self._uow_factory = uow_factory
        self._step = step
        self._max_group = max_group
        self._parallel = parallel  # groups in flight at once, each on its own connection
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._runners: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        """The step's result for this item, or its exception; committed when this returns."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if len(self._runners) < self._parallel:
            runner = asyncio.create_task(self._drain())
            self._runners.add(runner)
            runner.add_done_callback(self._runners.discard)
        return await future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the items submitted in this same turn of the loop join the first group
        while self._queue:
            group, self._queue = self._queue[:self._max_group], self._queue[self._max_group:]
            await self._run(group)

    async def _run(self, group: list[tuple[T, asyncio.Future[R]]]) -> None:
        done: list[tuple[asyncio.Future[R], R]] = []
        failed: list[tuple[asyncio.Future[R], BaseException]] = []
        alone = len(group) == 1
        try:
            async with self._uow_factory() as uow:
                for item, future in group:
                    try:
                        if alone:  # the whole unit of work is this item's: leaving it uncommitted undoes it
                            done.append((future, await self._step(uow, item)))
                        else:
                            async with uow.savepoint():
                                done.append((future, await self._step(uow, item)))
                    except Exception as exc:  # the item's own failure (domain refusal, deadlock...), for its caller
                        failed.append((future, exc))
                if alone and failed:
                    future, error = failed[0]
                    future.set_exception(error)
                    return  # rolled back on leaving
                await uow.commit()
        except BaseException as exc:
            # The commit itself failed (connection lost...): nothing of the group was written.
            for _, future in group:
                if not future.done():
                    future.set_exception(exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
            if not isinstance(exc, Exception):
                raise
            return
        for future, value in done:
            if not future.done():
                future.set_result(value)
        for future, error in failed:
            if not future.done():
                future.set_exception(error)
