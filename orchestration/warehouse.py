"""The DuckDB warehouse: the only Python that opens it.

Python assets write `raw.*` and `nlp.*` (loaded from the tag files of `tag_files.py`) of the
build database; dbt builds the other schemas in the same file; `publish` copies it to the path
analysts open. Every write is one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import os
import shutil
import tempfile
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from extract.nlp import ArticleText
from extract.records import (
    Article,
    Document,
    EntityMention,
    EventMention,
    Quantity,
    Quote,
    Sentence,
    columns,
)
from orchestration.apart import process_exists
from orchestration.database import BuildDatabase
from orchestration.settings import DEFAULT_DUCKDB_MEMORY_LIMIT

if typing.TYPE_CHECKING:
    from extract.ingest import ScannedFile
    from orchestration.tag_files import TagBatch

RAW_TABLES: dict[str, type] = {"raw.documents": Document, "raw.articles": Article}
NLP_TABLES: dict[str, type] = {
    "nlp.sentences": Sentence,
    "nlp.entity_mentions": EntityMention,
    "nlp.quotes": Quote,
    "nlp.event_mentions": EventMention,
    "nlp.quantities": Quantity,
}
# Which version of the reading code made raw.documents and raw.articles.
READER_TABLE_DDL = "create table if not exists raw.reader (reader_version varchar not null)"
# The MinHash of each article's body, which the next scan reuses for unchanged files.
MINHASHES_TABLE_DDL = (
    "create table if not exists raw.minhashes (article_id varchar not null, minhash blob not null)"
)
TAGGED_TABLE_DDL = (
    "create table if not exists nlp.tagged_articles ("
    "article_id varchar primary key, tagger_version varchar not null, tagged_at timestamp not null)"
)
_SQL_TYPES = {str: "varchar", int: "bigint", float: "double", bool: "boolean",
              dt.date: "date", dt.datetime: "timestamp"}


class WarehouseUnwritableError(RuntimeError):
    """The folder of the warehouse or of its build database cannot be created or written."""


def ensure_writable_folder(folder: Path) -> None:
    """Creates `folder` if needed and proves a file can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():
            reason = f"{existing} is a file, not a folder"
        raise WarehouseUnwritableError(
            f"cannot write the warehouse in {folder}: {reason}; set NEWSLEDGER_WAREHOUSE to a "
            "file in a folder this user can write"
        ) from None


def table_ddl(table: str, record_type: type) -> str:
    """`create table if not exists` for a record type; tuple fields become VARCHAR[]."""
    hints = typing.get_type_hints(record_type)
    cols = ", ".join(
        f"{field.name} {_sql_type(hints[field.name])}" for field in dataclasses.fields(record_type)
    )
    return f"create table if not exists {table} ({cols})"


def _sql_type(hint: object) -> str:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return _sql_type(args[0])
    if typing.get_origin(hint) is tuple:
        return f"{_sql_type(args[0])}[]"
    return _SQL_TYPES[hint]


def _frame(records: Sequence[object], record_type: type) -> pd.DataFrame:
    names = columns(record_type)
    rows = [
        [list(v) if isinstance(v, tuple) else v for v in dataclasses.astuple(record)]
        for record in records
    ]
    return pd.DataFrame(rows, columns=names, dtype=object)


class Warehouse(dg.ConfigurableResource):
    """The build database and the published copy beside it."""

    path: str
    published_path: str
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT

    @property
    def database(self) -> BuildDatabase:
        return BuildDatabase(self.path, self.published_path, self.memory_limit)

    @contextmanager
    def connect(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection that waits out another process's lock with backoff before giving up."""
        if not read_only:
            ensure_writable_folder(Path(self.path).parent)
        with self.database.connect(
            read_only=read_only, warn=dg.get_dagster_logger().warning
        ) as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.connect() as conn:
            conn.execute("begin transaction")
            try:
                yield conn
            except BaseException:
                conn.execute("rollback")
                raise
            conn.execute("commit")

    def ensure_tables(self) -> None:
        with self.transaction() as conn:
            conn.execute("create schema if not exists raw")
            conn.execute("create schema if not exists nlp")
            for table, record_type in {**RAW_TABLES, **NLP_TABLES}.items():
                conn.execute(table_ddl(table, record_type))
            conn.execute(READER_TABLE_DDL)
            conn.execute(MINHASHES_TABLE_DDL)
            conn.execute(TAGGED_TABLE_DDL)

    def replace_inbox(
        self,
        documents: Sequence[Document],
        articles: Sequence[Article],
        reader_version: str,
        minhashes: Mapping[str, bytes] | None = None,
        stored: Mapping[str, ScannedFile] | None = None,
    ) -> None:
        """Make raw.documents and raw.articles exactly this scan of the inbox, atomically, with
        the MinHashes of its articles (article id -> MinHash) for the next scan.

        `stored` is what the tables hold, as `scanned_files` gave it: the rows of a file whose
        records are the same in this scan stay as they are, so a scan writes what changed.
        """
        minhashes, stored = minhashes or {}, stored or {}
        stories = _stories_by_file(articles)
        kept = {
            document.source_file
            for document in documents
            if (earlier := stored.get(document.source_file)) is not None
            and earlier.document == document
            and earlier.articles == tuple(stories.get(document.source_file, ()))
        }
        kept_minhash_ids = {i for path in kept for i in stored[path].minhashes}
        written = {i: m for i, m in minhashes.items() if i not in kept_minhash_ids}
        # read by DuckDB's replacement scans below
        kept_files = pd.DataFrame({"source_file": sorted(kept)}, dtype=object)  # noqa: F841
        kept_minhashes = pd.DataFrame(  # noqa: F841
            {"article_id": sorted(kept_minhash_ids)}, dtype=object
        )
        written_minhashes = pd.DataFrame(  # noqa: F841
            {"article_id": list(written), "minhash": list(written.values())}, dtype=object
        )
        self.ensure_tables()
        with self.transaction() as conn:
            for table, records, record_type in (
                ("raw.documents", documents, Document),
                ("raw.articles", articles, Article),
            ):
                conn.execute(
                    f"delete from {table} "
                    "where source_file not in (select source_file from kept_files)"
                )
                insert_records(
                    conn, table, [r for r in records if r.source_file not in kept], record_type
                )
            conn.execute("delete from raw.reader")
            conn.execute("insert into raw.reader values (?)", [reader_version])
            conn.execute(
                "delete from raw.minhashes "
                "where article_id not in (select article_id from kept_minhashes)"
            )
            if written:
                conn.execute(
                    "insert into raw.minhashes select article_id, minhash from written_minhashes"
                )

    def scanned_files(self, reader_version: str) -> dict[str, ScannedFile]:
        """The records of every ingested file by relative path, if this reader made them."""
        # Here rather than at the top: only the inbox scan's child process needs the ingest code
        # (near-duplicate search among it), which would add about 0.6 s to every start-up.
        from extract.ingest import ScannedFile

        self.ensure_tables()
        with self.connect() as conn:
            if conn.execute("select reader_version from raw.reader").fetchall() != [
                (reader_version,)
            ]:
                return {}
            documents = _records(
                conn, "select * from raw.documents where status = 'ingested'", Document
            )
            articles = _records(
                conn, "select * from raw.articles order by source_file, story_index", Article
            )
            minhashes = dict(
                conn.execute("select article_id, minhash from raw.minhashes").fetchall()
            )
        stories = _stories_by_file(articles)
        scanned = {}
        for document in documents:
            found = tuple(stories.get(document.source_file, ()))
            ids = [a.article_id for a in found]
            known = {i: minhashes[i] for i in ids if i in minhashes}
            scanned[document.source_file] = ScannedFile(document, found, known)
        return scanned

    def forget_stale_tags(self, tagger_version: str) -> int:
        """Drop tags of articles gone from raw.articles, now duplicates, or tagged by other code."""
        self.ensure_tables()
        with self.transaction() as conn:
            stale = [
                row[0]
                for row in conn.execute(
                    "select t.article_id from nlp.tagged_articles as t "
                    "left join raw.articles as a "
                    "on a.article_id = t.article_id and a.duplicate_of is null "
                    "where a.article_id is null or t.tagger_version <> ?",
                    [tagger_version],
                ).fetchall()
            ]
            _delete_tags(conn, stale)
        return len(stale)

    def untagged_article_ids(self) -> list[str]:
        """Originals (not duplicates) that have no tags yet, in a stable order."""
        with self.connect(read_only=False) as conn:
            return [
                row[0]
                for row in conn.execute(
                    "select article_id from raw.articles where duplicate_of is null "
                    "and article_id not in (select article_id from nlp.tagged_articles) "
                    "order by source_file, story_index"
                ).fetchall()
            ]

    def article_texts(self, article_ids: Sequence[str]) -> list[ArticleText]:
        with self.connect() as conn:
            rows = conn.execute(
                "select article_id, body, published_date from raw.articles "
                "where list_contains(?, article_id) order by source_file, story_index",
                [list(article_ids)],
            ).fetchall()
        return [ArticleText(article_id=r[0], body=r[1], published_date=r[2]) for r in rows]

    def load_tags(self, batches: Iterable[TagBatch]) -> dict[str, int]:
        """Replace the tags of these batches' articles with their tag files, in one transaction,
        so a batch is loaded whole or not at all and loading it twice adds nothing. Articles that
        stopped being originals in raw.articles since the batch was planned are left out."""
        batches = list(batches)
        counts = dict.fromkeys(NLP_TABLES, 0)
        if not batches:
            return counts
        with self.transaction() as conn:
            article_ids = [a for batch in batches for a in batch.article_ids]
            originals = {
                row[0]
                for row in conn.execute(
                    "select article_id from raw.articles "
                    "where duplicate_of is null and list_contains(?, article_id)",
                    [article_ids],
                ).fetchall()
            }
            _delete_tags(conn, article_ids)
            for table, record_type in NLP_TABLES.items():
                names = ", ".join(columns(record_type))
                files = [str(batch.tag_file(table)) for batch in batches]
                counts[table] = conn.execute(
                    f"insert into {table} ({names}) select {names} from read_parquet(?) "
                    "where list_contains(?, article_id)",
                    [files, sorted(originals)],
                ).fetchone()[0]
            tagged_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            conn.executemany(
                "insert into nlp.tagged_articles values (?, ?, ?)",
                [
                    (article_id, batch.tagger_version, tagged_at)
                    for batch in batches
                    for article_id in batch.article_ids
                    if article_id in originals
                ],
            )
        return counts

    def row_counts(self, tables: Iterable[str]) -> dict[str, int]:
        with self.connect() as conn:
            return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}

    def frame(self, table: str) -> pd.DataFrame:
        with self.connect() as conn:
            return conn.execute(f"select * from {table}").df()

    def publish(self) -> Path:
        """Copy the build database to the published path and swap it in atomically."""
        published = Path(self.published_path)
        ensure_writable_folder(published.parent)
        _remove_abandoned_copies(published)
        with self.connect() as conn:
            conn.execute("checkpoint")
            staging = published.with_name(f".{published.name}.{os.getpid()}.tmp")
            try:
                shutil.copyfile(self.path, staging)
            except BaseException:
                staging.unlink(missing_ok=True)
                raise
        os.replace(staging, published)
        return published


def _remove_abandoned_copies(published: Path) -> None:
    """Deletes half-written copies left by publishes whose process died (killed mid-copy)."""
    for staging in published.parent.glob(f".{glob.escape(published.name)}.*.tmp"):
        pid = staging.name.removeprefix(f".{published.name}.").removesuffix(".tmp")
        if pid.isdigit() and not process_exists(int(pid)):
            staging.unlink(missing_ok=True)


def _records(conn: duckdb.DuckDBPyConnection, query: str, record_type: type) -> list:
    """The rows of `query` (its columns in field order) as records; lists become tuples."""
    names = columns(record_type)
    rows = conn.execute(f"select {', '.join(names)} from ({query})").fetchall()
    return [
        record_type(*(tuple(v) if isinstance(v, list) else v for v in row)) for row in rows
    ]


def _stories_by_file(articles: Iterable[Article]) -> dict[str, list[Article]]:
    stories: dict[str, list[Article]] = {}
    for article in articles:
        stories.setdefault(article.source_file, []).append(article)
    return stories


def insert_records(conn: duckdb.DuckDBPyConnection, table: str, records: Sequence[object],
                   record_type: type) -> None:
    if not records:
        return
    frame = _frame(records, record_type)  # noqa: F841 - read by DuckDB's replacement scan
    names = ", ".join(columns(record_type))
    conn.execute(f"insert into {table} ({names}) select {names} from frame")


def _delete_tags(conn: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> None:
    if not article_ids:
        return
    for table in (*NLP_TABLES, "nlp.tagged_articles"):
        conn.execute(f"delete from {table} where list_contains(?, article_id)", [list(article_ids)])
