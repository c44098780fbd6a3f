"""Resources the assets read through: the inbox and the spaCy pipeline."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from orchestration.settings import PROJECT_ROOT, REFERENCE_DIR

if TYPE_CHECKING:
    from extract.ingest import Ingested, ScannedFile


class Inbox(dg.ConfigurableResource):
    """The folder users drop articles into."""

    path: str
    max_file_bytes: int = 5_000_000
    readers: int = 1  # processes that read files side by side

    def scan(
        self,
        progress: Callable[[int, int], None] | None = None,
        earlier: Mapping[str, ScannedFile] | None = None,
    ) -> Ingested:
        """Every file's records; files unchanged since `earlier` was scanned are not read."""
        from extract.ingest import ingest_inbox

        inbox = Path(self.path)
        if not inbox.is_dir():
            raise FileNotFoundError(
                f"inbox {inbox} does not exist: set NEWSLEDGER_INBOX to a folder of articles"
            )
        return ingest_inbox(
            inbox,
            max_bytes=self.max_file_bytes,
            progress=progress,
            earlier=earlier,
            readers=self.readers,
        )

    def version(self) -> str:
        """Changes whenever the code that reads inbox files changes."""
        return reader_version()


class NlpPipeline(dg.ConfigurableResource):
    """The trained spaCy pipeline plus newsledger's rules, loaded once per process."""

    model: str
    batch_size: int = 16
    processes: int = 1  # spaCy processes within one tagging process
    workers: int = 1  # tagging processes that run side by side

    def tag(self, articles: Iterable, *, processes: int = 0, batch_size: int = 0) -> Iterator:
        """Tags of `articles`, in `processes` (default: `self.processes`) in batches of
        `batch_size` articles (default: `self.batch_size`)."""
        from extract.events import load_taxonomy
        from extract.gazetteer import load_gazetteer
        from extract.nlp import build_nlp, tag_articles

        return tag_articles(
            build_nlp(self.model),
            articles,
            gazetteer=load_gazetteer(REFERENCE_DIR),
            taxonomy=load_taxonomy(REFERENCE_DIR / "event_types.csv"),
            batch_size=batch_size or self.batch_size,
            n_process=processes or self.processes,
        )

    def version(self) -> str:
        """Changes whenever the model, the extraction code or the reference data changes."""
        return tagger_version(self.model)


@cache
def tagger_version(model: str) -> str:
    from extract.nlp import model_meta

    meta = model_meta(model)
    sources = _extract_code() + sorted(REFERENCE_DIR.glob("*.csv"))
    pipeline = f"{meta['lang']}_{meta['name']}-{meta['version']}"
    return f"{model}:{_digest(pipeline, sources)}"


@cache
def reader_version() -> str:
    return f"reader:{_digest('', _extract_code())}"


@cache
def expectations_version() -> str:
    """Changes whenever the suites, the code that runs them or Great Expectations change."""
    from importlib.metadata import version

    code = sorted((PROJECT_ROOT / "expectations").glob("*.py"))
    return _digest(f"great_expectations {version('great_expectations')}", code)


def _extract_code() -> list[Path]:
    return sorted((PROJECT_ROOT / "extract").glob("*.py"))


def _digest(start: str, files: Sequence[Path]) -> str:
    digest = hashlib.sha256(start.encode())
    for source in files:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]
