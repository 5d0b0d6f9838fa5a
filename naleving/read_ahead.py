"""Taking the next item of an iterator in a background thread while the caller works on this one.

Reading files and storing lines both spend most of their time in polars and DuckDB, outside the
interpreter lock: on two cores, reading the next batch while this one is stored keeps both busy.
"""
from __future__ import annotations

import queue
import threading
from typing import Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def read_ahead(items: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The items of `items`, at most `depth` taken ahead (memory stays bounded). An error in the
    background is raised here, in order; closing this generator early stops the background."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as error:  # handed to the caller, raised there
            offer(_Failed(error))
            return
        finally:
            getattr(items, "close", lambda: None)()  # a generator's own clean-up runs here
        offer(_DONE)

    worker = threading.Thread(target=produce, name="read-ahead", daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()
