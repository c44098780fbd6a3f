"""`newsledger run` holds one refresh of a warehouse at a time, and keeps what it loads out of the
garbage collector's walks."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

from orchestration.cli import loaded_objects_frozen, one_refresh_at_a_time
from orchestration.settings import Settings


def test_a_second_refresh_of_a_warehouse_waits_for_the_first_to_end(
    tmp_path: Path, capsys
) -> None:
    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=tmp_path)
    order = []

    def second_refresh() -> None:
        with one_refresh_at_a_time(settings):
            order.append("second")

    with one_refresh_at_a_time(settings):
        waiting = threading.Thread(target=second_refresh)
        waiting.start()
        waiting.join(timeout=0.5)
        assert waiting.is_alive()
        order.append("first")
    waiting.join(timeout=10)
    assert order == ["first", "second"]
    assert "waiting for another refresh" in capsys.readouterr().out


def test_refreshes_of_different_warehouses_do_not_wait(tmp_path: Path) -> None:
    first = Settings(warehouse=tmp_path / "a" / "warehouse.duckdb", inbox=tmp_path)
    second = Settings(warehouse=tmp_path / "b" / "warehouse.duckdb", inbox=tmp_path)
    with one_refresh_at_a_time(first), one_refresh_at_a_time(second):
        pass


class Node:
    """A container the garbage collector tracks."""


def test_what_loads_is_frozen_and_its_garbage_collected_first() -> None:
    assert gc.isenabled()
    try:
        with loaded_objects_frozen():
            assert not gc.isenabled()
            loaded = Node()
            loaded.itself = loaded
            garbage = Node()
            garbage.itself = garbage
            collected = weakref.ref(garbage)
            del garbage
        assert gc.isenabled()
        assert collected() is None
        assert not any(loaded is tracked for tracked in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(loaded is tracked for tracked in gc.get_objects())


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with loaded_objects_frozen():
            pass
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
