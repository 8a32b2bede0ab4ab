"""scripts.bulk.run_bounded: every item once, errors handed back, and never more than 2 x workers
rows taken from the source ahead of the results (memory does not grow with the count)."""

from __future__ import annotations

import threading

import pytest

from scripts.bulk import run_bounded


def test_every_item_once_with_its_result_or_error():
    def square(n):
        if n == 3:
            raise ValueError("drie")
        return n * n

    seen = {item: (result, error) for item, result, error in run_bounded(square, range(10), workers=4)}
    assert sorted(seen) == list(range(10))
    assert seen[4] == (16, None)
    assert seen[3][0] is None and isinstance(seen[3][1], ValueError)


def test_the_source_is_read_lazily_and_bounded():
    taken, finished, lock = [0], [0], threading.Lock()
    high_water = [0]

    def source():
        for n in range(1000):
            with lock:
                taken[0] += 1
                high_water[0] = max(high_water[0], taken[0] - finished[0])
            yield n

    def work(n):
        return n

    for _ in run_bounded(work, source(), workers=3):
        with lock:
            finished[0] += 1
    assert taken[0] == 1000
    assert high_water[0] <= 2 * 3 + 1  # in flight plus the one being handed over


def test_stopping_early_takes_no_more_rows():
    taken = []

    def source():
        for n in range(10_000):
            taken.append(n)
            yield n

    results = run_bounded(lambda n: n, source(), workers=2)
    next(results)
    results.close()
    assert len(taken) <= 5


def test_a_keyboard_interrupt_in_a_row_is_handed_back_for_the_caller_to_raise():
    def interrupted(n):
        raise KeyboardInterrupt

    (item, result, error), = list(run_bounded(interrupted, [1], workers=1))
    assert isinstance(error, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        raise error
