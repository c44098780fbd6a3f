"""`newsledger run` holds one refresh of a warehouse at a time."""

from __future__ import annotations

import threading
from pathlib import Path

from orchestration.cli import one_refresh_at_a_time
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
