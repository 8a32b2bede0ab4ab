"""Many independent Keycloak calls at once, with memory that does not grow with their number.

A pool with every row submitted up front keeps one future (and its row and result) per row until
the end; here at most `2 × workers` are in flight and each result is handed on as soon as it is
there, so 10,000 rows cost what 10 do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def run_bounded(function: Callable[[Item], Result], items: Iterable[Item],
                workers: int) -> Iterator[tuple[Item, Result | None, BaseException | None]]:
    """Yield (item, result, None) or (item, None, error) for each item, in the order they finish.

    The items are read lazily (a generator is never turned into a list); an error in one item is
    handed back, the others go on. Stopping the iteration early (or Ctrl-C) waits only for the
    calls already running."""
    workers = max(1, workers)
    source = iter(items)
    running: dict[Future, Item] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            while True:
                for item in source:
                    running[pool.submit(function, item)] = item
                    if len(running) >= 2 * workers:
                        break
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    item = running.pop(future)
                    error = future.exception()
                    yield (item, None, error) if error is not None else (item, future.result(), None)
        finally:
            for future in running:
                future.cancel()
