"""The tagging folder: how batches of articles reach the tag workers and their tags the loader.

Tag workers never open the build database (DuckDB allows one writer process, and even a reader
blocks it); they read and write files here instead. Each batch is a folder named by its key:

    <tagging folder>/<key>/batch.json          tagger version and article ids
    <tagging folder>/<key>/articles.parquet    what the tagger reads
    <tagging folder>/<key>/tags/<table>.parquet one file per nlp table, once tagged

A folder appears whole (written beside it, then renamed), and so does its `tags/`: a killed
writer leaves a hidden `.*.<pid>.tmp` folder that the next planning removes, never half a batch.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from extract.nlp import ArticleTags, ArticleText
from orchestration.apart import process_exists
from orchestration.warehouse import NLP_TABLES, insert_records, table_ddl

TAG_FIELDS = {
    "nlp.sentences": "sentences",
    "nlp.entity_mentions": "mentions",
    "nlp.quotes": "quotes",
    "nlp.event_mentions": "events",
    "nlp.quantities": "quantities",
}


@dataclass(frozen=True)
class TagBatch:
    """One batch folder: its articles, and its tags once a worker has written them."""

    key: str
    folder: Path
    tagger_version: str
    article_ids: list[str]

    @property
    def tagged(self) -> bool:
        return (self.folder / "tags").is_dir()

    def tag_file(self, table: str) -> Path:
        return self.folder / "tags" / f"{table.split('.')[-1]}.parquet"


class TagFiles(dg.ConfigurableResource):
    """The folder where batches wait to be tagged and their tags wait to be loaded. On a
    cluster it must be shared by every process that tags or loads (NEWSLEDGER_TAGGING_DIR)."""

    path: str
    batch_articles: int = 500

    def batches(self) -> dict[str, TagBatch]:
        """Every whole batch folder, by key."""
        found = {}
        root = Path(self.path)
        if not root.is_dir():
            return found
        for folder in sorted(root.iterdir()):
            manifest = folder / "batch.json"
            if folder.name.startswith(".") or not manifest.is_file():
                continue
            meta = json.loads(manifest.read_text())
            found[folder.name] = TagBatch(
                key=folder.name,
                folder=folder,
                tagger_version=meta["tagger_version"],
                article_ids=meta["article_ids"],
            )
        return found

    def untagged(self) -> list[str]:
        return [key for key, batch in self.batches().items() if not batch.tagged]

    def write_batch(self, key: str, tagger_version: str, articles: Sequence[ArticleText]) -> None:
        root = Path(self.path)
        root.mkdir(parents=True, exist_ok=True)
        # The key names its content: a batch another planner wrote first is this one.
        with suppress(FileExistsError), _written_whole(root / key) as staging:
            _write_parquet(staging / "articles.parquet", "articles", articles, ArticleText)
            (staging / "batch.json").write_text(json.dumps({
                "tagger_version": tagger_version,
                "article_ids": [a.article_id for a in articles],
            }))

    def read_articles(self, key: str) -> list[ArticleText]:
        with duckdb.connect() as conn:
            rows = conn.execute(
                "select article_id, body, published_date from read_parquet(?)",
                [str(Path(self.path) / key / "articles.parquet")],
            ).fetchall()
        return [ArticleText(article_id=r[0], body=r[1], published_date=r[2]) for r in rows]

    def write_tags(self, key: str, tagged: Sequence[ArticleTags]) -> bool:
        """Writes the batch's tag files; False when its folder is gone (the batch was withdrawn
        or loaded meanwhile) or another worker wrote them first."""
        folder = Path(self.path) / key
        if not folder.is_dir():
            return False
        try:
            with _written_whole(folder / "tags") as staging:
                for table, record_type in NLP_TABLES.items():
                    records = [r for t in tagged for r in getattr(t, TAG_FIELDS[table])]
                    name = table.split(".")[-1]
                    _write_parquet(staging / f"{name}.parquet", name, records, record_type)
        except FileExistsError:
            return False
        return True

    def remove(self, keys: Iterable[str]) -> None:
        for key in keys:
            shutil.rmtree(Path(self.path) / key, ignore_errors=True)

    def remove_abandoned(self) -> None:
        """Deletes the hidden staging folders of writers whose process is gone."""
        root = Path(self.path)
        if not root.is_dir():
            return
        for staging in [*root.glob(".*.tmp"), *root.glob("*/.*.tmp")]:
            pid = staging.name.rsplit(".", 2)[-2]
            if pid.isdigit() and not process_exists(int(pid)):
                shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _written_whole(target: Path) -> Iterator[Path]:
    """A hidden staging folder beside `target`, renamed to it once the block succeeds; raises
    FileExistsError when another process put `target` there first."""
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():
                raise
            raise FileExistsError(target) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_parquet(path: Path, name: str, records: Sequence[object], record_type: type) -> None:
    """Writes records as parquet with the column types of their warehouse table."""
    with duckdb.connect() as conn:
        conn.execute(table_ddl(name, record_type))
        insert_records(conn, name, records, record_type)
        quoted = str(path).replace("'", "''")
        conn.execute(f"copy {name} to '{quoted}' (format parquet)")
