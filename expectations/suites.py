"""One Great Expectations suite per table, defined in code.

Each suite function returns a `Suite`: the expectations for one table, each tagged
`meta={"severity": "critical"}` (structure or content that must stop downstream) or
`"warning"` (distributions and soft sanity), plus the computed columns some of them read.

Computed columns hold row-wise rules that GX has no expectation for on the pandas route
(title shorter than body, a span as long as its text, ...): `validation` adds them to a copy of
the frame before validating, and an expectation checks they hold. A rule is True where it holds,
False where it is broken and None where it does not apply (GX skips nulls).

Content and distributions only for the marts: dbt owns their keys and not-nulls (constraints of
the marts' enforced contracts), relations and enumerations (tests: `accepted_values`,
`relationships` to a seed), so a mart suite never repeats them on the same column (a test parses
the dbt YAML to keep it so). It still checks text is not blank, numbers are in range and row-wise
rules hold. The raw and nlp tables are loaded by Python with no dbt tests, so their suites check
keys, not-nulls and allowed values too.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.expectations import Expectation

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before any GX import: no usage stats

CRITICAL = "critical"
WARNING = "warning"

# Allowed values, as DESIGN.md states them. The marts' enumerations are dbt-tested; these guard
# the raw/nlp tables (tests keep the shared ones equal to the dbt YAML and seeds).
DOCUMENT_STATUSES = ("ingested", "rejected")
# extract.formats.EXTENSIONS' types, and "unknown" for files rejected before their type is known
FILE_TYPES = ("text", "html", "json", "jsonl", "feed", "unknown")
DATE_SOURCES = ("metadata", "text", "file", "unknown")
CLAIM_KINDS = ("direct_quote", "reported")
ACTOR_TYPES = ("person", "organization", "country", "group")
ENTITY_TYPES = (*ACTOR_TYPES, "location", "other")
SPEAKER_TYPES = (*ACTOR_TYPES, "unnamed")
MODALITIES = ("asserted", "denied", "hypothetical", "future")
EVENT_TYPES = (
    "attack", "airstrike_or_shelling", "drone_or_missile_attack", "interception", "battle",
    "casualties", "troop_deployment", "arms_transfer", "agreement_or_treaty", "sanctions",
    "aid_or_funding", "statement_or_warning", "meeting_or_talks", "arrest_or_legal", "protest",
    "disaster_or_accident", "election_or_vote", "other",
)  # fmt: skip
SPACY_NER_LABELS = (
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
)  # fmt: skip

# Columns each table must have: the raw/nlp ones are the fields of extract.records (a test
# keeps them in step), the marts ones are the DESIGN.md contract. Extra columns are allowed.
COLUMNS: dict[str, tuple[str, ...]] = {
    "raw.documents": (
        "document_id", "source_file", "file_type", "size_bytes", "content_hash", "modified_at",
        "status", "reject_reason", "n_articles",
    ),
    "raw.articles": (
        "article_id", "document_id", "source_file", "story_index", "title", "kicker", "byline",
        "outlet", "url", "published_date", "date_source", "date_text", "body", "word_count",
        "credits", "boilerplate", "content_hash", "duplicate_of", "extra",
    ),
    "nlp.sentences": ("article_id", "sentence_index", "start_char", "end_char", "text"),
    "nlp.entity_mentions": (
        "article_id", "mention_index", "sentence_index", "start_char", "end_char", "text",
        "label", "name", "entity_type", "role", "affiliation",
    ),
    "nlp.quotes": (
        "article_id", "claim_index", "sentence_index", "kind", "cue", "cue_class",
        "speaker_text", "speaker_name", "speaker_type", "text", "sentence", "start_char",
        "end_char", "claim_date", "date_text",
    ),
    "nlp.event_mentions": (
        "article_id", "event_index", "sentence_index", "trigger", "trigger_lemma", "event_type",
        "actor_name", "target_name", "location", "event_date", "date_text", "killed", "wounded",
        "quantity", "quantity_high", "quantity_unit", "modality", "claim_index", "sentence",
        "start_char", "end_char",
    ),
    "nlp.quantities": (
        "article_id", "quantity_index", "sentence_index", "text", "value", "high", "unit",
        "qualifier", "claim_index", "start_char", "end_char",
    ),
    "marts.articles": (
        "article_id", "document_id", "source_file", "story_index", "title", "outlet",
        "published_date", "date_source", "body", "word_count", "credits", "duplicate_of",
    ),
    "marts.sources": (
        "source_id", "name", "source_type", "actor_id", "articles_published",
        "articles_credited", "claims_made", "first_seen", "last_seen",
    ),
    "marts.actors": (
        "actor_id", "name", "actor_type", "aliases", "roles", "affiliation", "n_mentions",
        "n_articles", "first_seen", "last_seen",
    ),
    "marts.claims": (
        "claim_id", "article_id", "source_id", "speaker_actor_id", "speaker_name", "kind", "cue",
        "text", "sentence", "start_char", "end_char", "claim_date",
    ),
    "marts.events": (
        "event_id", "article_id", "event_type", "actor_id", "actor_name", "target_id",
        "target_name", "location", "event_date", "date_text", "killed", "wounded", "quantity",
        "quantity_unit", "source_id", "sentence", "start_char", "end_char",
    ),
    "marts.quantities": (
        "quantity_id", "article_id", "value", "high", "unit", "qualifier", "text", "source_id",
        "sentence_index", "start_char", "end_char",
    ),
    "marts.figures": (
        "figure_id", "subject", "subject_actor_id", "measure", "n_claims", "n_sources", "low",
        "best", "high", "disagreement", "first_claimed_on", "last_claimed_on",
    ),
    "marts.figure_claims": (
        "figure_claim_id", "figure_id", "article_id", "claim_id", "source_id", "source_name",
        "value", "high", "qualifier", "text", "claimed_on", "incident", "sentence", "start_char",
        "end_char",
    ),
    "marts.actor_links": (
        "link_id", "relation", "actor_id", "actor_name", "other_actor_id", "other_actor_name",
        "n_times", "n_articles", "first_seen", "last_seen",
    ),
}  # fmt: skip

# dtype names for ExpectColumnValuesToBeInTypeList. DuckDB hands back int64 or Int64 (when the
# column holds nulls), float64, or object when a frame was built by hand; "int"/"float" match
# the values of object columns one by one. Not for strings: with pandas 3 "str" fails on string
# columns, so text type checks use ExpectColumnValuesToBeOfType(type_="str").
INTEGER_TYPES = [
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "Int8Dtype", "Int16Dtype", "Int32Dtype", "Int64Dtype",
    "UInt8Dtype", "UInt16Dtype", "UInt32Dtype", "UInt64Dtype", "int",
]  # fmt: skip
NUMBER_TYPES = [*INTEGER_TYPES, "float32", "float64", "Float32Dtype", "Float64Dtype", "float"]

# A name that is only a pronoun or a vague reference: coreference was not resolved.
PRONOUN_REGEX = (
    r"(?i)^\s*(?:he|she|they|it|him|her|them|his|hers|its|their|theirs|i|we|you|me|us"
    r"|this|that|these|those|who|someone|somebody)\s*$"
)
# Digits, signs and punctuation only ("2", "1,200", "$5"): a quantity taken for a name.
NUMBER_ONLY_REGEX = r"^[\s\d.,%$€£+\-/]*$"
NOT_BLANK_REGEX = r"\S"
LEMMA_REGEX = r"^[a-z][a-z_\- ]*$"
EARLIEST_DATE = "1990-01-01"
EARLIEST_MENTIONED_DATE = "1900-01-01"


Rule = Callable[["pd.DataFrame"], "pd.Series"]


@dataclass(frozen=True)
class Suite:
    """The expectations for one table and the computed columns they read."""

    table: str
    expectations: tuple[Expectation, ...]
    computed: Mapping[str, Rule] = field(default_factory=dict)


def _gxe() -> Any:
    import great_expectations.expectations as gxe  # slow: imported only when a suite is built

    return gxe


def _tagged(severity: str, expectation: Expectation) -> Expectation:
    from great_expectations.expectations.metadata_types import FailureSeverity

    expectation.meta = {**(expectation.meta or {}), "severity": severity}
    expectation.severity = FailureSeverity(severity)  # GX's own field, kept in step with meta
    return expectation


def critical(*expectations: Expectation) -> list[Expectation]:
    """Tag expectations whose failure must stop downstream."""
    return [_tagged(CRITICAL, e) for e in expectations]


def warning(*expectations: Expectation) -> list[Expectation]:
    """Tag expectations whose failure is reported but lets downstream run."""
    return [_tagged(WARNING, e) for e in expectations]


def computed(name: str) -> str:
    """The column a computed rule or measure is stored in."""
    return f"computed:{name}"


# --- date bounds -------------------------------------------------------------------------


def _timestamp(value: str) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp(value)


def _latest_date(days_ahead: int = 2) -> pd.Timestamp:
    import pandas as pd

    return pd.Timestamp.today().normalize() + pd.Timedelta(days=days_ahead)


# --- building blocks shared by suites ------------------------------------------------------


def _columns_present(table: str) -> list[Expectation]:
    gxe = _gxe()
    return critical(
        gxe.ExpectTableColumnsToMatchSet(column_set=list(COLUMNS[table]), exact_match=False)
    )


def _at_least_one_row() -> list[Expectation]:
    """Warns, never blocks: an inbox whose every file was removed or rejected makes empty tables,
    and a refresh publishes them (with the reasons in raw.documents) rather than never again."""
    gxe = _gxe()
    return warning(gxe.ExpectTableRowCountToBeBetween(min_value=1))


def _key(*columns: str) -> list[Expectation]:
    """Key columns not null and unique together (raw/nlp only: a mart key is a dbt constraint)."""
    gxe = _gxe()
    unique = (
        gxe.ExpectColumnValuesToBeUnique(column=columns[0])
        if len(columns) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns))
    )
    return critical(*(gxe.ExpectColumnValuesToNotBeNull(column=c) for c in columns), unique)


def _critical_column(
    column: str, checks: list[Expectation], *, not_null: bool
) -> list[Expectation]:
    """A column's `checks`, all critical, after its not-null check unless `not_null=False`."""
    not_null_check = [_gxe().ExpectColumnValuesToNotBeNull(column=column)] if not_null else []
    return critical(*not_null_check, *checks)


def _required_text(column: str, *, not_null: bool = True) -> list[Expectation]:
    """Never blank, a string; never null unless `not_null=False` (a mart's dbt constraint)."""
    gxe = _gxe()
    checks = [
        gxe.ExpectColumnValuesToMatchRegex(column=column, regex=NOT_BLANK_REGEX),
        gxe.ExpectColumnValuesToBeOfType(column=column, type_="str"),
    ]
    return _critical_column(column, checks, not_null=not_null)


def _file_path(column: str, *, not_null: bool = True) -> list[Expectation]:
    """A path inside the inbox: never empty, a string; never null unless `not_null=False` (a key
    checks it). Unlike `_required_text` it may be blank: a file can be named " "."""
    gxe = _gxe()
    checks = [
        gxe.ExpectColumnValueLengthsToBeBetween(column=column, min_value=1),
        gxe.ExpectColumnValuesToBeOfType(column=column, type_="str"),
    ]
    return _critical_column(column, checks, not_null=not_null)


def _count(
    column: str, *, minimum: int = 0, not_null: bool = True, aggregate: bool = False
) -> list[Expectation]:
    """An integer count or index, never below `minimum`.

    An `aggregate` count (a mart's n_mentions, ...) may also arrive as float64: DuckDB's sum()
    returns HUGEINT, which pandas reads as float64.
    """
    gxe = _gxe()
    types = NUMBER_TYPES if aggregate else INTEGER_TYPES
    checks = [
        gxe.ExpectColumnValuesToBeInTypeList(column=column, type_list=types),
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=minimum),
    ]
    return _critical_column(column, checks, not_null=not_null)


def _offsets() -> list[Expectation]:
    """start_char/end_char: integers, start >= 0, end > start (a span is never empty)."""
    gxe = _gxe()
    return [
        *_count("start_char"),
        *_count("end_char"),
        *critical(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="end_char", column_B="start_char", ignore_row_if="either_value_is_missing"
            )
        ),
    ]


def _in_set(column: str, values: Iterable[str], *, not_null: bool = True) -> list[Expectation]:
    gxe = _gxe()
    checks = [gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values))]
    return _critical_column(column, checks, not_null=not_null)


def _number(column: str, *, minimum: float | None = None) -> list[Expectation]:
    """A nullable numeric value column, optionally bounded below."""
    gxe = _gxe()
    checks = [gxe.ExpectColumnValuesToBeInTypeList(column=column, type_list=NUMBER_TYPES)]
    if minimum is not None:
        checks.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=minimum))
    return critical(*checks)


def _date_range(
    column: str, *, earliest: str = EARLIEST_DATE, days_ahead: int = 2, mostly: float = 1.0
) -> list[Expectation]:
    """Dates within a plausible window. pd.Timestamp bounds: string bounds fail silently."""
    gxe = _gxe()
    return warning(
        gxe.ExpectColumnValuesToBeBetween(
            column=column,
            min_value=_timestamp(earliest),
            max_value=_latest_date(days_ahead),
            mostly=mostly,
        )
    )


def _not_pronoun(column: str, *, mostly: float = 1.0) -> list[Expectation]:
    gxe = _gxe()
    return warning(
        gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=PRONOUN_REGEX, mostly=mostly)
    )


def _not_number(column: str) -> list[Expectation]:
    gxe = _gxe()
    return warning(gxe.ExpectColumnValuesToNotMatchRegex(column=column, regex=NUMBER_ONLY_REGEX))


def _holds(severity: str, rule: str, *, mostly: float = 1.0) -> list[Expectation]:
    """The computed rule column is True wherever the rule applies."""
    gxe = _gxe()
    expectation = gxe.ExpectColumnValuesToBeInSet(
        column=computed(rule), value_set=[True], mostly=mostly
    )
    return [_tagged(severity, expectation)]


# --- row-wise rules (pure pandas) ------------------------------------------------------------


def _where(applies: pd.Series, holds: pd.Series | list[bool]) -> pd.Series:
    """True/False where `applies`, None elsewhere, as an object column GX reads plainly."""
    import pandas as pd

    applies = applies.astype("boolean").fillna(False)
    values = [
        (None if pd.isna(h) else bool(h)) if a else None
        for a, h in zip(applies, holds, strict=True)
    ]
    return pd.Series(values, index=applies.index, dtype=object)


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _text_length(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].map(lambda v: len(v) if isinstance(v, str) else None)


def _title_shorter_than_body(frame: pd.DataFrame) -> pd.Series:
    title, body = _text_length(frame, "title"), _text_length(frame, "body")
    return _where(title.notna() & body.notna(), title.fillna(0) < body.fillna(0))


def _title_differs_from_body(frame: pd.DataFrame) -> pd.Series:
    title = frame["title"].map(lambda v: v.strip() if isinstance(v, str) else None)
    body = frame["body"].map(lambda v: v.strip() if isinstance(v, str) else None)
    return _where(title.notna() & body.notna(), title != body)


def _not_own_duplicate(frame: pd.DataFrame) -> pd.Series:
    return _where(frame["duplicate_of"].notna(), frame["duplicate_of"] != frame["article_id"])


def _date_known_iff_dated(frame: pd.DataFrame) -> pd.Series:
    """A published_date exactly when date_source is not 'unknown'."""
    has_date = frame["published_date"].notna()
    return _where(frame["date_source"].notna(), has_date == (frame["date_source"] != "unknown"))


def _span_matches_text(frame: pd.DataFrame) -> pd.Series:
    """end_char - start_char == len(text): the offsets point at the text."""
    span = frame["end_char"] - frame["start_char"]
    length = _text_length(frame, "text")
    return _where(span.notna() & length.notna(), span == length)


def _quote_in_sentence(frame: pd.DataFrame) -> pd.Series:
    """A direct quote's words appear in its sentence."""
    applies = (frame["kind"] == "direct_quote") & frame["text"].notna() & frame["sentence"].notna()
    holds = [
        isinstance(t, str) and isinstance(s, str) and t in s
        for t, s in zip(frame["text"], frame["sentence"], strict=True)
    ]
    return _where(applies, holds)


def _trigger_in_sentence(frame: pd.DataFrame) -> pd.Series:
    applies = frame["trigger"].notna() & frame["sentence"].notna()
    holds = [
        isinstance(t, str) and isinstance(s, str) and t in s
        for t, s in zip(frame["trigger"], frame["sentence"], strict=True)
    ]
    return _where(applies, holds)


def _quantity_has_unit(frame: pd.DataFrame) -> pd.Series:
    return _where(frame["quantity"].notna(), frame["quantity_unit"].notna())


def _source_has_activity(frame: pd.DataFrame) -> pd.Series:
    """Every source published, was credited on or made at least one thing."""
    counts = frame[["articles_published", "articles_credited", "claims_made"]]
    total = counts.apply(lambda c: c.fillna(0).astype(float)).sum(axis=1)
    return _where(counts.notna().any(axis=1), total >= 1)


def _person_source_is_actor(frame: pd.DataFrame) -> pd.Series:
    return _where(frame["source_type"] == "person", frame["actor_id"].notna())


def _list_length(value: object) -> int | None:
    if value is None or isinstance(value, (str, float)):
        return None  # null (NaN) or not a list at all
    return len(value)  # list, tuple or the numpy array DuckDB returns for VARCHAR[]


def _low_best_high_ordered(frame: pd.DataFrame) -> pd.Series:
    import pandas as pd

    low, best, high = (pd.to_numeric(frame[c], errors="coerce") for c in ("low", "best", "high"))
    return _where(low.notna() & best.notna() & high.notna(), (low <= best) & (best <= high))


def _one_claim_agrees(frame: pd.DataFrame) -> pd.Series:
    return _where(frame["n_claims"] == 1, frame["disagreement"] != True)  # noqa: E712


def _links_two_actors(frame: pd.DataFrame) -> pd.Series:
    both = frame["actor_id"].notna() & frame["other_actor_id"].notna()
    return _where(both, frame["actor_id"] != frame["other_actor_id"])


def _mention_pair_stored_once(frame: pd.DataFrame) -> pd.Series:
    """An undirected link keeps the smaller actor_id first, so a pair has one row."""
    applies = (frame["relation"] == "mentioned_with") & frame["actor_id"].notna()
    return _where(applies & frame["other_actor_id"].notna(),
                  frame["actor_id"].astype(str) < frame["other_actor_id"].astype(str))


def _has_aliases(frame: pd.DataFrame) -> pd.Series:
    return frame["aliases"].map(lambda v: (_list_length(v) or 0) >= 1).astype(object)


def _aliases_not_blank(frame: pd.DataFrame) -> pd.Series:
    def ok(value: object) -> bool | None:
        if _list_length(value) is None:
            return None
        return all(isinstance(a, str) and a.strip() for a in value)  # type: ignore[union-attr]

    return frame["aliases"].map(ok).astype(object)


def _sentence_length(frame: pd.DataFrame) -> pd.Series:
    return _text_length(frame, "text").astype(float)


def _rejected_has_reason(frame: pd.DataFrame) -> pd.Series:
    """A rejected file says why, in words."""
    reason = frame["reject_reason"].map(lambda v: isinstance(v, str) and bool(v.strip()))
    return _where(frame["status"] == "rejected", reason)


def _ingested_has_articles(frame: pd.DataFrame) -> pd.Series:
    """An ingested file gave at least one article (ingest rejects a file that gives none)."""
    found = frame["n_articles"].map(lambda v: _is_number(v) and v >= 1)
    return _where(frame["status"] == "ingested", found)


def _rejected_has_no_articles(frame: pd.DataFrame) -> pd.Series:
    """A rejected file gave no articles: raw.articles holds none of its stories."""
    none = frame["n_articles"].map(lambda v: _is_number(v) and v == 0)
    return _where(frame["status"] == "rejected", none)


def _finite(column: str) -> Rule:
    """Rule: a present value is a finite number (DuckDB DOUBLE admits inf, which breaks sums).

    NaN cannot be told from null once pandas holds it, so it is skipped like a null.
    """

    def rule(frame: pd.DataFrame) -> pd.Series:
        values = frame[column]
        return _where(values.notna(), values.map(lambda v: _is_number(v) and math.isfinite(v)))

    return rule


# --- one suite per table -------------------------------------------------------------------


def raw_documents() -> Suite:
    """raw.documents: one row per input file, ingested or rejected."""
    gxe = _gxe()
    return Suite(
        "raw.documents",
        (
            *_columns_present("raw.documents"),
            *_at_least_one_row(),
            *_key("document_id"),
            *_key("source_file"),
            *_file_path("source_file", not_null=False),  # the key checks nulls
            *_in_set("status", DOCUMENT_STATUSES),
            *_in_set("file_type", FILE_TYPES),
            *_count("size_bytes"),
            *_count("n_articles"),
            *_holds(CRITICAL, "rejected_has_reason"),
            *_holds(CRITICAL, "ingested_has_articles"),
            *_holds(CRITICAL, "rejected_has_no_articles"),
            # a few rejects are normal (a stray PDF); most of the inbox failing means a reader broke
            *warning(
                gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["ingested"], mostly=0.5)
            ),
        ),
        {
            computed("rejected_has_reason"): _rejected_has_reason,
            computed("ingested_has_articles"): _ingested_has_articles,
            computed("rejected_has_no_articles"): _rejected_has_no_articles,
        },
    )


def raw_articles() -> Suite:
    """raw.articles: one row per story as extracted, before dbt."""
    gxe = _gxe()
    return Suite(
        "raw.articles",
        (
            *_columns_present("raw.articles"),
            *_at_least_one_row(),
            *_key("article_id"),
            *_key("document_id", "story_index"),
            *_count("story_index", not_null=False),  # the key checks nulls
            *_file_path("source_file"),
            *_required_text("body"),
            *_required_text("content_hash"),
            *_count("word_count"),
            *_in_set("date_source", DATE_SOURCES),
            *_holds(CRITICAL, "not_own_duplicate"),
            *warning(
                gxe.ExpectColumnValuesToBeBetween(
                    column="word_count", min_value=20, max_value=20000, mostly=0.95
                ),
                gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.9),
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column="title", min_value=5, max_value=300, mostly=0.95
                ),
                gxe.ExpectColumnValuesToNotBeNull(column="published_date", mostly=0.5),
                # most stories are originals: a flood of duplicates means near-dup matching is off
                gxe.ExpectColumnValuesToBeNull(column="duplicate_of", mostly=0.5),
            ),
            *_date_range("published_date"),
            *_holds(WARNING, "title_shorter_than_body"),
            *_holds(WARNING, "title_differs_from_body"),
            *_holds(WARNING, "date_known_iff_dated"),
        ),
        {
            computed("not_own_duplicate"): _not_own_duplicate,
            computed("title_shorter_than_body"): _title_shorter_than_body,
            computed("title_differs_from_body"): _title_differs_from_body,
            computed("date_known_iff_dated"): _date_known_iff_dated,
        },
    )


def nlp_sentences() -> Suite:
    """nlp.sentences: one row per sentence of an article."""
    gxe = _gxe()
    return Suite(
        "nlp.sentences",
        (
            *_columns_present("nlp.sentences"),
            *_at_least_one_row(),
            *_key("article_id", "sentence_index"),
            *_count("sentence_index", not_null=False),  # the key checks nulls
            *_offsets(),
            *_required_text("text"),
            *_holds(WARNING, "span_matches_text", mostly=0.99),
            *warning(
                gxe.ExpectColumnMeanToBeBetween(
                    column=computed("sentence_length"), min_value=30, max_value=400
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column=computed("sentence_length"), max_value=2000, mostly=0.99
                ),
            ),
        ),
        {
            computed("span_matches_text"): _span_matches_text,
            computed("sentence_length"): _sentence_length,
        },
    )


def nlp_entity_mentions() -> Suite:
    """nlp.entity_mentions: one row per named mention of an actor or place."""
    gxe = _gxe()
    return Suite(
        "nlp.entity_mentions",
        (
            *_columns_present("nlp.entity_mentions"),
            *_at_least_one_row(),
            *_key("article_id", "mention_index"),
            *_count("sentence_index"),
            *_offsets(),
            *_required_text("text"),
            *_required_text("name"),
            *_in_set("entity_type", ENTITY_TYPES),
            *warning(
                gxe.ExpectColumnValuesToBeInSet(column="label", value_set=list(SPACY_NER_LABELS))
            ),
            *_not_pronoun("name", mostly=0.99),
            *_not_number("name"),
            *_holds(WARNING, "span_matches_text", mostly=0.99),
        ),
        {computed("span_matches_text"): _span_matches_text},
    )


def nlp_quotes() -> Suite:
    """nlp.quotes: one row per attributed statement, direct or reported."""
    gxe = _gxe()
    return Suite(
        "nlp.quotes",
        (
            *_columns_present("nlp.quotes"),
            *_at_least_one_row(),
            *_key("article_id", "claim_index"),
            *_count("sentence_index"),
            *_offsets(),
            *_in_set("kind", CLAIM_KINDS),
            *_in_set("speaker_type", SPEAKER_TYPES),
            *_required_text("text"),
            *_required_text("sentence"),
            *_not_pronoun("speaker_name", mostly=0.95),
            *warning(
                gxe.ExpectColumnValuesToMatchRegex(column="cue", regex=LEMMA_REGEX),
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column="text", min_value=3, max_value=3000, mostly=0.99
                ),
            ),
            *_date_range("claim_date", earliest=EARLIEST_MENTIONED_DATE, mostly=0.99),
            *_holds(WARNING, "quote_in_sentence", mostly=0.9),
        ),
        {computed("quote_in_sentence"): _quote_in_sentence},
    )


def nlp_event_mentions() -> Suite:
    """nlp.event_mentions: one row per event mention, from one clause."""
    gxe = _gxe()
    return Suite(
        "nlp.event_mentions",
        (
            *_columns_present("nlp.event_mentions"),
            *_at_least_one_row(),
            *_key("article_id", "event_index"),
            *_count("sentence_index"),
            *_count("claim_index", not_null=False),
            *_offsets(),
            *_in_set("event_type", EVENT_TYPES),
            *_in_set("modality", MODALITIES),
            *_required_text("trigger"),
            *_required_text("sentence"),
            *_number("killed", minimum=0),
            *_number("wounded", minimum=0),
            *_number("quantity"),
            *_number("quantity_high"),
            *warning(
                gxe.ExpectColumnValuesToBeBetween(
                    column="killed", max_value=1_000_000, mostly=0.99
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="quantity_high",
                    column_B="quantity",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                # "other" is the taxonomy's fallback: most mentions should find a real type
                gxe.ExpectColumnValuesToNotBeInSet(
                    column="event_type", value_set=["other"], mostly=0.5
                ),
            ),
            *_not_pronoun("actor_name", mostly=0.95),
            *_not_pronoun("target_name", mostly=0.95),
            # events may be historical or scheduled: a wide window
            *_date_range(
                "event_date", earliest=EARLIEST_MENTIONED_DATE, days_ahead=5 * 366, mostly=0.99
            ),
            *_holds(WARNING, "trigger_in_sentence", mostly=0.99),
            *_holds(WARNING, "quantity_has_unit", mostly=0.8),
        ),
        {
            computed("trigger_in_sentence"): _trigger_in_sentence,
            computed("quantity_has_unit"): _quantity_has_unit,
        },
    )


def nlp_quantities() -> Suite:
    """nlp.quantities: one row per cardinal figure with its unit."""
    gxe = _gxe()
    return Suite(
        "nlp.quantities",
        (
            *_columns_present("nlp.quantities"),
            *_at_least_one_row(),
            *_key("article_id", "quantity_index"),
            *_count("sentence_index"),
            *_count("claim_index", not_null=False),
            *_offsets(),
            *_required_text("text"),
            *critical(gxe.ExpectColumnValuesToNotBeNull(column="value")),
            *_number("value"),
            *_number("high"),
            *warning(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="high",
                    column_B="value",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                # beyond a quadrillion is a parsing accident (a year read as billions, ...)
                gxe.ExpectColumnValuesToBeBetween(column="value", min_value=-1e15, max_value=1e15),
            ),
            *_holds(WARNING, "span_matches_text", mostly=0.95),
        ),
        {computed("span_matches_text"): _span_matches_text},
    )


def marts_articles() -> Suite:
    """marts.articles: one row per story (dbt constrains the key)."""
    gxe = _gxe()
    return Suite(
        "marts.articles",
        (
            *_columns_present("marts.articles"),
            *_at_least_one_row(),
            *_required_text("body", not_null=False),  # dbt constraint: not_null
            *_count("word_count"),
            *_count("story_index"),
            # dbt: accepted_values, which lets nulls through
            *critical(gxe.ExpectColumnValuesToNotBeNull(column="date_source")),
            *_holds(CRITICAL, "not_own_duplicate"),
            *warning(
                gxe.ExpectColumnValuesToBeBetween(
                    column="word_count", min_value=20, max_value=20000, mostly=0.95
                ),
                gxe.ExpectColumnValuesToNotBeNull(column="title", mostly=0.9),
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column="title", min_value=5, max_value=300, mostly=0.95
                ),
                gxe.ExpectColumnValuesToNotBeNull(column="outlet", mostly=0.5),
                gxe.ExpectColumnValuesToNotBeNull(column="published_date", mostly=0.5),
                gxe.ExpectColumnValuesToBeNull(column="duplicate_of", mostly=0.5),
            ),
            *_date_range("published_date"),
            *_holds(WARNING, "title_shorter_than_body"),
            *_holds(WARNING, "title_differs_from_body"),
        ),
        {
            computed("not_own_duplicate"): _not_own_duplicate,
            computed("title_shorter_than_body"): _title_shorter_than_body,
            computed("title_differs_from_body"): _title_differs_from_body,
        },
    )


def marts_sources() -> Suite:
    """marts.sources: one row per information source."""
    gxe = _gxe()
    return Suite(
        "marts.sources",
        (
            *_columns_present("marts.sources"),
            *_at_least_one_row(),
            # dbt: name not_null (constraint), source_type accepted_values (test)
            *_required_text("name", not_null=False),
            *_count("articles_published", not_null=False, aggregate=True),
            *_count("articles_credited", not_null=False, aggregate=True),
            *_count("claims_made", not_null=False, aggregate=True),
            *critical(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="last_seen",
                    column_B="first_seen",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            ),
            *_not_pronoun("name"),
            *_not_number("name"),
            *warning(
                gxe.ExpectColumnValuesToNotBeInSet(
                    column="source_type", value_set=["other"], mostly=0.5
                )
            ),
            *_date_range("first_seen"),
            *_date_range("last_seen"),
            *_holds(WARNING, "source_has_activity"),
            *_holds(WARNING, "person_source_is_actor", mostly=0.9),
        ),
        {
            computed("source_has_activity"): _source_has_activity,
            computed("person_source_is_actor"): _person_source_is_actor,
        },
    )


def marts_actors() -> Suite:
    """marts.actors: one row per real-world actor, merged across surface forms."""
    gxe = _gxe()
    return Suite(
        "marts.actors",
        (
            *_columns_present("marts.actors"),
            *_at_least_one_row(),
            # dbt: name not_null (constraint), actor_type accepted_values (test)
            *_required_text("name", not_null=False),
            *_count("n_mentions", minimum=1, aggregate=True),
            *_count("n_articles", minimum=1, aggregate=True),
            *critical(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="last_seen",
                    column_B="first_seen",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            ),
            *_not_pronoun("name"),
            *_not_number("name"),
            *warning(
                gxe.ExpectColumnValueLengthsToBeBetween(column="name", max_value=120),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="n_mentions",
                    column_B="n_articles",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            ),
            *_date_range("first_seen"),
            *_date_range("last_seen"),
            *_holds(WARNING, "has_aliases"),
            *_holds(WARNING, "aliases_not_blank"),
        ),
        {
            computed("has_aliases"): _has_aliases,
            computed("aliases_not_blank"): _aliases_not_blank,
        },
    )


def marts_claims() -> Suite:
    """marts.claims: one row per attributed statement."""
    gxe = _gxe()
    return Suite(
        "marts.claims",
        (
            *_columns_present("marts.claims"),
            *_at_least_one_row(),
            # dbt: text not_null (constraint), kind accepted_values (test)
            *_required_text("text", not_null=False),
            *_required_text("sentence"),
            *_offsets(),
            *_not_pronoun("speaker_name"),
            *warning(
                gxe.ExpectColumnValuesToNotBeNull(column="speaker_name"),
                # unnamed speakers ("officials") are legal, but not for most claims
                gxe.ExpectColumnValuesToNotBeNull(column="speaker_actor_id", mostly=0.4),
                gxe.ExpectColumnValuesToMatchRegex(column="cue", regex=LEMMA_REGEX),
                gxe.ExpectColumnValueLengthsToBeBetween(
                    column="text", min_value=3, max_value=3000, mostly=0.99
                ),
            ),
            *_date_range("claim_date", earliest=EARLIEST_MENTIONED_DATE, mostly=0.99),
            *_holds(WARNING, "quote_in_sentence", mostly=0.9),
        ),
        {computed("quote_in_sentence"): _quote_in_sentence},
    )


def marts_events() -> Suite:
    """marts.events: one row per event mention."""
    gxe = _gxe()
    return Suite(
        "marts.events",
        (
            *_columns_present("marts.events"),
            *_at_least_one_row(),
            # dbt tests event_type against the event_types seed (relationships)
            *_required_text("sentence"),
            *_offsets(),
            *_number("killed", minimum=0),
            *_number("wounded", minimum=0),
            *_number("quantity"),
            *warning(
                gxe.ExpectColumnValuesToBeBetween(
                    column="killed", max_value=1_000_000, mostly=0.99
                ),
                gxe.ExpectColumnValuesToNotBeInSet(
                    column="event_type", value_set=["other"], mostly=0.5
                ),
            ),
            *_not_pronoun("actor_name", mostly=0.95),
            *_not_pronoun("target_name", mostly=0.95),
            *_date_range(
                "event_date", earliest=EARLIEST_MENTIONED_DATE, days_ahead=5 * 366, mostly=0.99
            ),
            *_holds(WARNING, "quantity_has_unit", mostly=0.8),
        ),
        {computed("quantity_has_unit"): _quantity_has_unit},
    )


def marts_quantities() -> Suite:
    """marts.quantities: one row per cardinal figure, with its source (dbt constrains the key)."""
    gxe = _gxe()
    return Suite(
        "marts.quantities",
        (
            *_columns_present("marts.quantities"),
            *_at_least_one_row(),
            *_number("value"),  # dbt constraint: not_null
            *_number("high"),
            *_holds(CRITICAL, "value_finite"),
            *_holds(CRITICAL, "high_finite"),
            *_count("sentence_index"),
            *_offsets(),
            *_required_text("text"),
            # as in nlp.quantities: one misread figure is reported, it does not stop the run
            *warning(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="high",
                    column_B="value",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                gxe.ExpectColumnValuesToBeBetween(column="value", min_value=-1e15, max_value=1e15),
                # bare counts ("12") are legal, but most figures should carry a unit
                gxe.ExpectColumnValuesToNotBeNull(column="unit", mostly=0.5),
            ),
            *_holds(WARNING, "span_matches_text", mostly=0.95),
        ),
        {
            computed("value_finite"): _finite("value"),
            computed("high_finite"): _finite("high"),
            computed("span_matches_text"): _span_matches_text,
        },
    )


def marts_figures() -> Suite:
    """marts.figures: one row per (subject, measure) with every claimed value reconciled."""
    gxe = _gxe()
    return Suite(
        "marts.figures",
        (
            *_columns_present("marts.figures"),
            *_at_least_one_row(),
            # dbt constraints: subject, measure and the values not null
            *_required_text("subject", not_null=False),
            *_required_text("measure", not_null=False),
            *_count("n_claims", minimum=1, not_null=False, aggregate=True),
            *_count("n_sources", aggregate=True),
            *_number("low"),
            *_number("best"),
            *_number("high"),
            *_holds(CRITICAL, "low_best_high_ordered"),
            *_holds(CRITICAL, "one_claim_agrees"),
            *critical(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="n_claims",
                    column_B="n_sources",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="last_claimed_on",
                    column_B="first_claimed_on",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            ),
            *_date_range("first_claimed_on", earliest=EARLIEST_MENTIONED_DATE),
            *_date_range("last_claimed_on", earliest=EARLIEST_MENTIONED_DATE),
        ),
        {
            computed("low_best_high_ordered"): _low_best_high_ordered,
            computed("one_claim_agrees"): _one_claim_agrees,
        },
    )


def marts_figure_claims() -> Suite:
    """marts.figure_claims: one row per claim of a figure (dbt constrains the key, the figure,
    the article and the value, and relates the ids to their marts)."""
    gxe = _gxe()
    return Suite(
        "marts.figure_claims",
        (
            *_columns_present("marts.figure_claims"),
            *_at_least_one_row(),
            *_number("value"),
            *_number("high"),
            *_holds(CRITICAL, "value_finite"),
            *_holds(CRITICAL, "high_finite"),
            *_required_text("text"),
            *_required_text("sentence"),
            *_offsets(),
            # the figures are marts.quantities' and marts.events': as there, a misread figure
            # is reported and does not stop the run
            *warning(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="high",
                    column_B="value",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            ),
            *_holds(WARNING, "span_matches_text", mostly=0.95),
            *_date_range("claimed_on", earliest=EARLIEST_MENTIONED_DATE),
        ),
        {
            computed("value_finite"): _finite("value"),
            computed("high_finite"): _finite("high"),
            computed("span_matches_text"): _span_matches_text,
        },
    )


def marts_actor_links() -> Suite:
    """marts.actor_links: one row per (relation, actor, other actor)."""
    gxe = _gxe()
    return Suite(
        "marts.actor_links",
        (
            *_columns_present("marts.actor_links"),
            *_at_least_one_row(),
            *_required_text("actor_name"),
            *_required_text("other_actor_name"),
            *_count("n_times", minimum=1, not_null=False, aggregate=True),
            *_count("n_articles", minimum=1, not_null=False, aggregate=True),
            *_holds(CRITICAL, "links_two_actors"),
            *_holds(CRITICAL, "mention_pair_stored_once"),
            *critical(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="n_times",
                    column_B="n_articles",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="last_seen",
                    column_B="first_seen",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            ),
            *_date_range("first_seen"),
            *_date_range("last_seen"),
        ),
        {
            computed("links_two_actors"): _links_two_actors,
            computed("mention_pair_stored_once"): _mention_pair_stored_once,
        },
    )


SUITES: dict[str, Callable[[], Suite]] = {
    "raw.documents": raw_documents,
    "raw.articles": raw_articles,
    "nlp.sentences": nlp_sentences,
    "nlp.entity_mentions": nlp_entity_mentions,
    "nlp.quotes": nlp_quotes,
    "nlp.event_mentions": nlp_event_mentions,
    "nlp.quantities": nlp_quantities,
    "marts.articles": marts_articles,
    "marts.sources": marts_sources,
    "marts.actors": marts_actors,
    "marts.claims": marts_claims,
    "marts.events": marts_events,
    "marts.quantities": marts_quantities,
    "marts.figures": marts_figures,
    "marts.figure_claims": marts_figure_claims,
    "marts.actor_links": marts_actor_links,
}
TABLES: tuple[str, ...] = tuple(SUITES)
