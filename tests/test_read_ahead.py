"""Reading ahead in the background gives the items in order, raises the background's errors here
and stops the background when the caller stops early."""
import threading

import pytest

from naleving.read_ahead import read_ahead


def test_items_arrive_in_order_and_all():
    assert list(read_ahead(iter(range(100)), depth=2)) == list(range(100))


def test_an_error_while_reading_ahead_is_raised_to_the_caller_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("bestand onleesbaar")

    received = []
    with pytest.raises(ValueError, match="bestand onleesbaar"):
        for item in read_ahead(items()):
            received.append(item)
    assert received == [1, 2]


def test_no_more_than_depth_items_are_taken_ahead():
    taken = []

    def items():
        for i in range(10):
            taken.append(i)
            yield i

    ahead = read_ahead(items(), depth=1)
    assert next(ahead) == 0
    threading.Event().wait(0.3)  # time for the background to run as far as it may
    # one handed out, one waiting in the queue, one taken and waiting to be put
    assert len(taken) <= 3
    ahead.close()


def test_stopping_early_closes_the_source_in_the_background():
    closed = threading.Event()

    def items():
        try:
            yield from range(1000)
        finally:
            closed.set()

    ahead = read_ahead(items())
    assert next(ahead) == 0
    ahead.close()
    assert closed.is_set()
