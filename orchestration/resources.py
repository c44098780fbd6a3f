"""Resources the assets read through: the inbox and the spaCy pipeline."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import dagster as dg

from orchestration.settings import PROJECT_ROOT, REFERENCE_DIR


class Inbox(dg.ConfigurableResource):
    """The folder users drop articles into."""

    path: str
    max_file_bytes: int = 5_000_000

    def scan(self, progress: Callable[[int, int], None] | None = None):
        from extract.ingest import ingest_inbox

        inbox = Path(self.path)
        if not inbox.is_dir():
            raise FileNotFoundError(
                f"inbox {inbox} does not exist: set NEWSLEDGER_INBOX to a folder of articles"
            )
        return ingest_inbox(inbox, max_bytes=self.max_file_bytes, progress=progress)


class NlpPipeline(dg.ConfigurableResource):
    """The trained spaCy pipeline plus newsledger's rules, loaded once per process."""

    model: str
    batch_size: int = 16
    processes: int = 1

    def tag(self, articles: Iterable) -> Iterator:
        from extract.events import load_taxonomy
        from extract.gazetteer import load_gazetteer
        from extract.nlp import build_nlp, tag_articles

        return tag_articles(
            build_nlp(self.model),
            articles,
            gazetteer=load_gazetteer(REFERENCE_DIR),
            taxonomy=load_taxonomy(REFERENCE_DIR / "event_types.csv"),
            batch_size=self.batch_size,
            n_process=self.processes,
        )

    def version(self) -> str:
        """Changes whenever the model, the extraction code or the reference data changes."""
        return tagger_version(self.model)


@cache
def tagger_version(model: str) -> str:
    from extract.nlp import model_meta

    meta = model_meta(model)
    digest = hashlib.sha256(f"{meta['lang']}_{meta['name']}-{meta['version']}".encode())
    sources = sorted((PROJECT_ROOT / "extract").glob("*.py")) + sorted(REFERENCE_DIR.glob("*.csv"))
    for source in sources:
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return f"{model}:{digest.hexdigest()[:12]}"
