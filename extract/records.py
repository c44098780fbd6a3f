"""Records that `extract/` produces. Field names are the columns of the raw.* and nlp.* tables.

Every record is a frozen dataclass; the loader writes `dataclasses.astuple(record)` in field
order, so adding a field here adds a column to its table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """One input file found in the inbox, ingested or rejected."""

    document_id: str
    source_file: str  # path relative to the inbox, forward slashes
    file_type: str  # text | html | json | jsonl | feed | unknown
    size_bytes: int
    content_hash: str | None  # sha256 of the raw bytes; None when the file could not be read
    modified_at: dt.datetime | None
    status: str  # ingested | rejected
    reject_reason: str | None
    n_articles: int


@dataclass(frozen=True)
class Article:
    """One story. A document may hold several (a newspaper page, a feed, a JSON Lines dump)."""

    article_id: str
    document_id: str
    source_file: str
    story_index: int
    title: str | None
    kicker: str | None
    byline: str | None
    outlet: str | None
    url: str | None
    published_date: dt.date | None
    date_source: str  # metadata | text | file | unknown
    date_text: str | None  # the evidence the date was read from
    body: str
    word_count: int
    credits: tuple[str, ...]  # wire agencies credited
    boilerplate: tuple[str, ...]  # captions, credit lines, "Source: ..." lines kept aside
    content_hash: str  # hash of the normalized body
    duplicate_of: str | None  # article_id of the first copy (exact or near duplicate)
    extra: str | None  # JSON object of unknown metadata fields


@dataclass(frozen=True)
class Sentence:
    article_id: str
    sentence_index: int
    start_char: int
    end_char: int
    text: str


@dataclass(frozen=True)
class EntityMention:
    """A named mention of an actor or place, resolved within its article."""

    article_id: str
    mention_index: int
    sentence_index: int
    start_char: int
    end_char: int
    text: str  # surface form as written
    label: str  # spaCy NER label
    name: str  # within-article canonical name (titles stripped, surname -> full name)
    entity_type: str  # person | organization | country | group | location | other
    role: str | None  # title seen with this mention ("Pentagon press secretary")
    affiliation: str | None  # org or country named with it ("U.S." in "U.S. Defense Secretary")


@dataclass(frozen=True)
class Quote:
    """An attributed statement: a direct quote or reported speech."""

    article_id: str
    claim_index: int
    sentence_index: int
    kind: str  # direct_quote | reported
    cue: str | None  # reporting verb lemma
    cue_class: str | None  # assert | confirm | deny | warn | estimate | ...
    speaker_text: str | None  # speaker as written ("he", "officials", "Ryder")
    speaker_name: str | None  # resolved within the article ("Pat Ryder", "officials")
    speaker_type: str  # person | organization | country | group | unnamed
    text: str
    sentence: str
    start_char: int
    end_char: int
    claim_date: dt.date | None
    date_text: str | None


@dataclass(frozen=True)
class EventMention:
    """Something that happened or was decided, from one clause."""

    article_id: str
    event_index: int
    sentence_index: int
    trigger: str
    trigger_lemma: str
    event_type: str
    actor_name: str | None
    target_name: str | None
    location: str | None
    event_date: dt.date | None
    date_text: str | None
    killed: float | None
    wounded: float | None
    quantity: float | None
    quantity_high: float | None
    quantity_unit: str | None
    modality: str  # asserted | denied | hypothetical | future
    claim_index: int | None  # the claim this event is reported in
    sentence: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class Quantity:
    """A cardinal figure with its unit, normalized ("$7.1 billion" -> 7.1e9 USD)."""

    article_id: str
    quantity_index: int
    sentence_index: int
    text: str
    value: float
    high: float | None  # upper end of a range
    unit: str | None
    qualifier: str | None  # about | at least | over | ...
    claim_index: int | None
    start_char: int
    end_char: int


def columns(record_type: type) -> list[str]:
    """Column names of the table that holds `record_type` rows, in load order."""
    return [field.name for field in dataclasses.fields(record_type)]
