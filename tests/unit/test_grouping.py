"""Group commit: items share a unit of work, each in its own savepoint; one failure is undone alone."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.errors import ConflictError
from domain.fulfilment.grouping import GroupRunner


class RecordingUow:
    """Enough of a unit of work to see what a group commits: writes land in `pending`, savepoints undo theirs."""

    commits: list[list[int]] = []
    opened = 0

    def __init__(self) -> None:
        self.pending: list[int] = []

    async def __aenter__(self) -> RecordingUow:
        RecordingUow.opened += 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.pending = []

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        mark = len(self.pending)
        try:
            yield
        except BaseException:
            del self.pending[mark:]
            raise

    async def commit(self) -> None:
        RecordingUow.commits.append(list(self.pending))


async def step(uow: Any, item: int) -> int:
    uow.pending.append(item)  # written first...
    if item == 3:
        raise ConflictError("item 3 is refused")  # ...then refused: its write must not be committed
    return item * 10


@pytest.fixture(autouse=True)
def fresh() -> None:
    RecordingUow.commits, RecordingUow.opened = [], 0


async def test_items_submitted_together_share_one_commit_and_a_failure_is_undone_alone() -> None:
    runner: GroupRunner[int, int] = GroupRunner(RecordingUow, step, parallel=1)  # type: ignore[arg-type]
    results = await asyncio.gather(*(runner.submit(i) for i in range(1, 6)), return_exceptions=True)
    assert results[:2] == [10, 20] and results[3:] == [40, 50]
    assert isinstance(results[2], ConflictError)
    assert RecordingUow.commits == [[1, 2, 4, 5]] and RecordingUow.opened == 1


async def test_a_lone_item_that_fails_commits_nothing() -> None:
    runner: GroupRunner[int, int] = GroupRunner(RecordingUow, step)  # type: ignore[arg-type]
    with pytest.raises(ConflictError):
        await runner.submit(3)
    assert RecordingUow.commits == []
    assert await runner.submit(4) == 40


async def test_groups_are_capped_and_run_side_by_side() -> None:
    runner: GroupRunner[int, int] = GroupRunner(RecordingUow, step, max_group=4, parallel=2)  # type: ignore[arg-type]
    results = await asyncio.gather(*(runner.submit(i) for i in range(10, 30)))
    assert results == [i * 10 for i in range(10, 30)]
    assert sorted(x for c in RecordingUow.commits for x in c) == list(range(10, 30))
    assert all(len(c) <= 4 for c in RecordingUow.commits)
