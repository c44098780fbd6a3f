"""The raw tables remember what a scan read, for the next scan by the same reading code."""

from __future__ import annotations

import shutil
from pathlib import Path

from extract.ingest import ingest_inbox
from orchestration import warehouse as warehouse_module
from orchestration.settings import PROJECT_ROOT
from orchestration.warehouse import Warehouse


def test_the_records_of_a_scan_come_back_for_the_reader_that_made_them(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(PROJECT_ROOT / "seeds", inbox)
    (inbox / "broken.json").write_text("{", encoding="utf-8")
    scanned = ingest_inbox(inbox)
    warehouse = Warehouse(
        path=str(tmp_path / "build.duckdb"), published_path=str(tmp_path / "warehouse.duckdb")
    )
    assert warehouse.scanned_files("reader:one") == {}
    warehouse.replace_inbox(scanned.documents, scanned.articles, "reader:one", scanned.minhashes)

    earlier = warehouse.scanned_files("reader:one")
    ingested = [d for d in scanned.documents if d.status == "ingested"]
    assert sorted(earlier) == [d.source_file for d in ingested] != []
    assert [earlier[d.source_file].document for d in ingested] == ingested
    assert [a for d in ingested for a in earlier[d.source_file].articles] == scanned.articles
    kept = {i: m for file in earlier.values() for i, m in file.minhashes.items()}
    assert kept == scanned.minhashes
    assert len(kept) == len(scanned.articles)
    assert warehouse.scanned_files("reader:two") == {}


def _raw_rows(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with warehouse.connect(read_only=True) as conn:
        return {
            table: sorted(map(repr, conn.execute(f"select * from {table}").fetchall()))
            for table in ("raw.documents", "raw.articles", "raw.minhashes", "raw.reader")
        }


def test_a_scan_rewrites_only_the_files_that_changed(tmp_path: Path, monkeypatch) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(PROJECT_ROOT / "seeds", inbox)
    (inbox / "broken.json").write_text("{", encoding="utf-8")
    stepwise, whole = (
        Warehouse(path=str(tmp_path / f"{name}.duckdb"), published_path=str(tmp_path / "w.duckdb"))
        for name in ("stepwise", "whole")
    )
    first = ingest_inbox(inbox)
    for warehouse in (stepwise, whole):
        warehouse.replace_inbox(first.documents, first.articles, "reader", first.minhashes)

    seeds = sorted(p for p in inbox.iterdir() if p.suffix != ".json")
    edited, removed, unchanged = seeds[0], seeds[1], seeds[2:]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA line added later.\n")
    removed.unlink()
    (inbox / "broken.json").write_text(
        '{"title": "Mended", "body": "The mended file now reads as an article."}'
    )
    (inbox / "copy.txt").write_text(unchanged[0].read_text(encoding="utf-8"))
    earlier = stepwise.scanned_files("reader")
    second = ingest_inbox(inbox, earlier=earlier)
    written: dict[str, set[str]] = {}

    def insert_records(conn, table, records, record_type):
        written[table] = {record.source_file for record in records}
        real_insert_records(conn, table, records, record_type)

    real_insert_records = warehouse_module.insert_records
    monkeypatch.setattr(warehouse_module, "insert_records", insert_records)
    stepwise.replace_inbox(
        second.documents, second.articles, "reader", second.minhashes, stored=earlier
    )
    assert written == dict.fromkeys(
        ("raw.documents", "raw.articles"), {edited.name, "broken.json", "copy.txt"}
    )
    monkeypatch.undo()
    whole.replace_inbox(second.documents, second.articles, "reader", second.minhashes)
    assert _raw_rows(stepwise) == _raw_rows(whole)
