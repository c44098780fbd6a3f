"""The raw tables remember what a scan read, for the next scan by the same reading code."""

from __future__ import annotations

import shutil
from pathlib import Path

from extract.ingest import ingest_inbox
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
