"""recon.serve.access: the store opened for one request, the turns the server's own
requests take on it, and what is kept between requests for the same state of the file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from recon.errors import StoreBusyError
from recon.serve.access import Turns


def test_a_waiting_writer_goes_before_new_readers(tmp_path: Path) -> None:
    turns, path = Turns(readers=2), tmp_path / "s.duckdb"
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with turns.writing(10, path):
            writing.set()
            done.wait(10)

    thread = threading.Thread(target=writer)
    with turns.reading(1, path):
        thread.start()
        assert not writing.wait(0.2)  # the writer waits for the reader to finish...
        with pytest.raises(StoreBusyError):  # ...and a new reader stands aside for it
            with turns.reading(0.1, path):
                pass
    assert writing.wait(10)
    try:
        with pytest.raises(StoreBusyError):  # while it writes: no reader...
            with turns.reading(0.1, path):
                pass
        with pytest.raises(StoreBusyError):  # ...and no second writer
            with turns.writing(0.1, path):
                pass
    finally:
        done.set()
        thread.join(timeout=10)
    with turns.reading(0.1, path):
        pass


def test_a_writer_that_gives_up_lets_the_readers_in(tmp_path: Path) -> None:
    turns, path = Turns(readers=1), tmp_path / "s.duckdb"
    with turns.reading(1, path):
        with pytest.raises(StoreBusyError):
            with turns.writing(0.1, path):
                pass
    with turns.reading(0.1, path), pytest.raises(StoreBusyError):
        with turns.reading(0.1, path):  # the one turn is taken
            pass
    with turns.writing(0.1, path):
        pass
