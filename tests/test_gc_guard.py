"""While the worker thread runs, Python's garbage collection happens on the GUI thread only.

CI once crashed with a segfault "Garbage-collecting" inside the worker's load_model: a collection the worker's
allocations triggered destroyed Qt objects of a closed window off the GUI thread.
"""
from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtWidgets import QWidget

from genimg_gui.engine.engine import Engine


def _widget_in_a_cycle(collected_on: list[str]) -> None:
    """A widget only a reference cycle keeps: garbage that only the cyclic collector frees."""
    holder: dict = {"widget": QWidget()}
    holder["self"] = holder
    weakref.finalize(holder["widget"], lambda: collected_on.append(threading.current_thread().name))


def test_the_engine_keeps_collection_on_the_gui_thread_until_it_shuts_down(qtbot):
    assert gc.isenabled()
    engine = Engine("cpu")
    assert not gc.isenabled(), "the worker thread could trigger a collection of Qt objects"
    collected_on: list[str] = []
    _widget_in_a_cycle(collected_on)
    alive = [[] for _ in range(3 * gc.get_threshold()[0])]  # enough new objects that a collection is due
    qtbot.waitUntil(lambda: bool(collected_on), timeout=5000)  # the collector's timer did it
    assert collected_on == [threading.main_thread().name]
    del alive
    engine.shutdown()
    assert gc.isenabled()
    engine.shutdown()  # twice: still on, and counted once
    assert gc.isenabled()


def test_collection_stays_off_while_any_engine_runs(qtbot):
    first, second = Engine("cpu"), Engine("cpu")
    first.shutdown()
    assert not gc.isenabled(), "the second engine's worker still runs"
    second.shutdown()
    assert gc.isenabled()
