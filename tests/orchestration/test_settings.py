from pathlib import Path

import pytest

from orchestration.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, PROJECT_ROOT, Settings
from orchestration.warehouse import Warehouse


def test_the_duckdb_memory_limit_defaults_and_can_be_set() -> None:
    assert Settings.from_env({}).duckdb_memory_limit == DEFAULT_DUCKDB_MEMORY_LIMIT
    limit = Settings.from_env({"NEWSLEDGER_DUCKDB_MEMORY_LIMIT": "512MB"}).duckdb_memory_limit
    assert limit == "512MB"


def test_the_default_inbox_and_warehouse_are_the_projects_wherever_it_runs_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.inbox == PROJECT_ROOT / "seeds"
    assert settings.warehouse == PROJECT_ROOT / "data" / "warehouse.duckdb"


@pytest.mark.parametrize("raw", ["lots", "512", "-1GB", "1 PB"])
def test_a_memory_limit_that_is_not_a_size_is_refused_by_name(raw: str) -> None:
    with pytest.raises(ValueError, match="NEWSLEDGER_DUCKDB_MEMORY_LIMIT must be a size"):
        Settings.from_env({"NEWSLEDGER_DUCKDB_MEMORY_LIMIT": raw})


def test_warehouse_connections_are_held_to_the_memory_limit(tmp_path: Path) -> None:
    warehouse = Warehouse(
        path=str(tmp_path / "build.duckdb"),
        published_path=str(tmp_path / "warehouse.duckdb"),
        memory_limit="256MB",
    )
    with warehouse.connect() as conn:
        limit = conn.execute("select current_setting('memory_limit')").fetchone()[0]
    assert limit == "244.1 MiB"  # 256 * 10**6 bytes


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ({"NEWSLEDGER_WAREHOUSE": "{inbox}/warehouse.duckdb"}, "NEWSLEDGER_WAREHOUSE"),
        ({"NEWSLEDGER_DOCS": "{inbox}/docs"}, "NEWSLEDGER_DOCS"),
        ({"NEWSLEDGER_TAGGING_DIR": "{inbox}/deep/tagging"}, "NEWSLEDGER_TAGGING_DIR"),
    ],
)
def test_a_warehouse_docs_or_tag_folder_inside_the_inbox_is_refused_by_name(
    tmp_path: Path, written: dict[str, str], name: str
) -> None:
    inbox = tmp_path / "news"
    outside = {"NEWSLEDGER_INBOX": str(inbox), "NEWSLEDGER_WAREHOUSE": str(tmp_path / "w.duckdb")}
    assert Settings.from_env(outside).inbox == inbox
    inside = outside | {key: value.format(inbox=inbox) for key, value in written.items()}
    with pytest.raises(ValueError, match=f"{name} .* is inside NEWSLEDGER_INBOX"):
        Settings.from_env(inside)
