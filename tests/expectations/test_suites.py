"""Every suite passes on a good sample and fails, with the right severity, on broken copies."""

from __future__ import annotations

import ast
import csv
import dataclasses
import datetime as dt
import functools
import json
import math
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from expectations import TABLES, Failure, Validation, table_wide_columns, validate_table
from expectations.suites import (
    ACTOR_TYPES,
    CLAIM_KINDS,
    COLUMNS,
    CRITICAL,
    DATE_SOURCES,
    EVENT_TYPES,
    FILE_TYPES,
    SUITES,
    WARNING,
    _in_set,
    _required_text,
)
from extract import formats, records
from extract.ingest import ingest_inbox

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS_DIR = ROOT / "expectations"
MARTS_DIR = ROOT / "dbt_project" / "models" / "marts"
INGEST_FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
MART_TABLES = tuple(t for t in TABLES if t.startswith("marts."))
FUTURE = pd.Timestamp.today().normalize() + pd.Timedelta(days=30)


def _set(column: str, row: int, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Put `value` in one cell, widening the column to object first (pandas 3 will not upcast)."""

    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[row], column] = value
        return frame

    return mutate


def _set_all(column: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        frame[column] = pd.Series([value] * len(frame), index=frame.index, dtype=object)
        return frame

    return mutate


def _copy_row(source: int, target: int, *columns: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        for column in columns:
            frame.loc[frame.index[target], column] = frame.loc[frame.index[source], column]
        return frame

    return mutate


def _title_from_body(row: int, suffix: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: _set("title", row, frame["body"].iloc[row] + suffix)(frame)


def _drop(column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame.drop(columns=[column])


def _widen(column: str, row: int, by: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: _set(column, row, int(frame[column].iloc[row]) + by)(frame)


def _reject(*rows: int) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Turn documents into consistent rejects: a reason and no articles."""

    def mutate(frame: pd.DataFrame) -> pd.DataFrame:
        for row in rows:
            for column, value in (("status", "rejected"), ("n_articles", 0),
                                  ("reject_reason", "no article text found")):  # fmt: skip
                frame = _set(column, row, value)(frame)
        return frame

    return mutate


# (table, what is broken, mutation, expectation that must fail, its column, its severity)
BROKEN = [
    ("raw.documents", "null key", _set("document_id", 0, None),
     "expect_column_values_to_not_be_null", "document_id", CRITICAL),
    ("raw.documents", "duplicate key", _copy_row(0, 2, "document_id"),
     "expect_column_values_to_be_unique", "document_id", CRITICAL),
    ("raw.documents", "file listed twice", _copy_row(0, 1, "source_file"),
     "expect_column_values_to_be_unique", "source_file", CRITICAL),
    ("raw.documents", "unknown status", _set("status", 1, "skipped"),
     "expect_column_values_to_be_in_set", "status", CRITICAL),
    ("raw.documents", "unknown file_type", _set("file_type", 3, "pdf"),
     "expect_column_values_to_be_in_set", "file_type", CRITICAL),
    ("raw.documents", "rejected without a reason", _set("reject_reason", 3, None),
     "expect_column_values_to_be_in_set", "computed:rejected_has_reason", CRITICAL),
    ("raw.documents", "rejected with a blank reason", _set("reject_reason", 3, " \n"),
     "expect_column_values_to_be_in_set", "computed:rejected_has_reason", CRITICAL),
    ("raw.documents", "ingested without articles", _set("n_articles", 1, 0),
     "expect_column_values_to_be_in_set", "computed:ingested_has_articles", CRITICAL),
    ("raw.documents", "rejected with articles", _set("n_articles", 3, 2),
     "expect_column_values_to_be_in_set", "computed:rejected_has_no_articles", CRITICAL),
    ("raw.documents", "negative size", _set("size_bytes", 0, -1),
     "expect_column_values_to_be_between", "size_bytes", CRITICAL),
    ("raw.documents", "n_articles as text", _set("n_articles", 0, "2"),
     "expect_column_values_to_be_in_type_list", "n_articles", CRITICAL),
    ("raw.documents", "missing column", _drop("reject_reason"),
     "expect_table_columns_to_match_set", None, CRITICAL),
    ("raw.documents", "most files rejected", _reject(1, 2),
     "expect_column_values_to_be_in_set", "status", WARNING),
    ("raw.articles", "null key", _set("article_id", 0, None),
     "expect_column_values_to_not_be_null", "article_id", CRITICAL),
    ("raw.articles", "duplicate key", _copy_row(0, 1, "article_id"),
     "expect_column_values_to_be_unique", "article_id", CRITICAL),
    ("raw.articles", "duplicate story of a document", _copy_row(0, 1, "story_index"),
     "expect_compound_columns_to_be_unique", "document_id, story_index", CRITICAL),
    ("raw.articles", "blank body", _set("body", 1, "   \n "),
     "expect_column_values_to_match_regex", "body", CRITICAL),
    ("raw.articles", "unknown date_source", _set("date_source", 0, "guessed"),
     "expect_column_values_to_be_in_set", "date_source", CRITICAL),
    ("raw.articles", "duplicate of itself", _set("duplicate_of", 1, "a2"),
     "expect_column_values_to_be_in_set", "computed:not_own_duplicate", CRITICAL),
    ("raw.articles", "word_count as text", _set("word_count", 0, "58"),
     "expect_column_values_to_be_in_type_list", "word_count", CRITICAL),
    ("raw.articles", "missing column", _drop("content_hash"),
     "expect_table_columns_to_match_set", None, CRITICAL),
    ("raw.articles", "future date", _set("published_date", 0, FUTURE),
     "expect_column_values_to_be_between", "published_date", WARNING),
    ("raw.articles", "date before 1990", _set("published_date", 1, pd.Timestamp("1970-01-01")),
     "expect_column_values_to_be_between", "published_date", WARNING),
    ("raw.articles", "title longer than body", _title_from_body(1, "!"),
     "expect_column_values_to_be_in_set", "computed:title_shorter_than_body", WARNING),
    ("raw.articles", "title is the body", _title_from_body(1, ""),
     "expect_column_values_to_be_in_set", "computed:title_differs_from_body", WARNING),
    ("raw.articles", "dated yet unknown source", _set("date_source", 0, "unknown"),
     "expect_column_values_to_be_in_set", "computed:date_known_iff_dated", WARNING),
    ("raw.articles", "short stories", _set_all("word_count", 5),
     "expect_column_values_to_be_between", "word_count", WARNING),
    ("nlp.sentences", "duplicate key", _copy_row(0, 1, "sentence_index"),
     "expect_compound_columns_to_be_unique", "article_id, sentence_index", CRITICAL),
    ("nlp.sentences", "null article_id", _set("article_id", 2, None),
     "expect_column_values_to_not_be_null", "article_id", CRITICAL),
    ("nlp.sentences", "negative offset", _set("start_char", 0, -1),
     "expect_column_values_to_be_between", "start_char", CRITICAL),
    ("nlp.sentences", "end before start", _set("end_char", 1, 3),
     "expect_column_pair_values_a_to_be_greater_than_b", "end_char, start_char", CRITICAL),
    ("nlp.sentences", "empty text", _set("text", 0, ""),
     "expect_column_values_to_match_regex", "text", CRITICAL),
    ("nlp.sentences", "tiny sentences", _set_all("text", "Ok."),
     "expect_column_mean_to_be_between", "computed:sentence_length", WARNING),
    ("nlp.entity_mentions", "unknown entity_type", _set("entity_type", 0, "people"),
     "expect_column_values_to_be_in_set", "entity_type", CRITICAL),
    ("nlp.entity_mentions", "duplicate key", _copy_row(0, 1, "mention_index"),
     "expect_compound_columns_to_be_unique", "article_id, mention_index", CRITICAL),
    ("nlp.entity_mentions", "pronoun name", _set("name", 3, "He"),
     "expect_column_values_to_not_match_regex", "name", WARNING),
    ("nlp.entity_mentions", "offsets off the text", _set("end_char", 0, 60),
     "expect_column_values_to_be_in_set", "computed:span_matches_text", WARNING),
    ("nlp.quotes", "unknown kind", _set("kind", 0, "paraphrase"),
     "expect_column_values_to_be_in_set", "kind", CRITICAL),
    ("nlp.quotes", "unknown speaker_type", _set("speaker_type", 2, "crowd"),
     "expect_column_values_to_be_in_set", "speaker_type", CRITICAL),
    ("nlp.quotes", "null claim_index", _set("claim_index", 0, None),
     "expect_column_values_to_not_be_null", "claim_index", CRITICAL),
    ("nlp.quotes", "pronoun speaker", _set("speaker_name", 0, "they"),
     "expect_column_values_to_not_match_regex", "speaker_name", WARNING),
    ("nlp.quotes", "future claim", _set("claim_date", 0, FUTURE),
     "expect_column_values_to_be_between", "claim_date", WARNING),
    ("nlp.quotes", "quote not in sentence", _set("text", 1, "words nobody said"),
     "expect_column_values_to_be_in_set", "computed:quote_in_sentence", WARNING),
    ("nlp.event_mentions", "unknown event_type", _set("event_type", 0, "explosion"),
     "expect_column_values_to_be_in_set", "event_type", CRITICAL),
    ("nlp.event_mentions", "unknown modality", _set("modality", 0, "maybe"),
     "expect_column_values_to_be_in_set", "modality", CRITICAL),
    ("nlp.event_mentions", "negative killed", _set("killed", 1, -3.0),
     "expect_column_values_to_be_between", "killed", CRITICAL),
    ("nlp.event_mentions", "killed as text", _set("killed", 1, "three"),
     "expect_column_values_to_be_in_type_list", "killed", CRITICAL),
    ("nlp.event_mentions", "range upside down", _set("quantity_high", 2, 1.0),
     "expect_column_pair_values_a_to_be_greater_than_b", "quantity_high, quantity", WARNING),
    ("nlp.quantities", "null value", _set("value", 0, None),
     "expect_column_values_to_not_be_null", "value", CRITICAL),
    ("nlp.quantities", "value as text", _set("value", 0, "three"),
     "expect_column_values_to_be_in_type_list", "value", CRITICAL),
    ("nlp.quantities", "duplicate key", _copy_row(0, 2, "quantity_index"),
     "expect_compound_columns_to_be_unique", "article_id, quantity_index", CRITICAL),
    ("nlp.quantities", "high below value", _set("high", 2, 1.0),
     "expect_column_pair_values_a_to_be_greater_than_b", "high, value", WARNING),
    ("marts.articles", "blank body", _set("body", 0, ""),
     "expect_column_values_to_match_regex", "body", CRITICAL),
    ("marts.articles", "duplicate of itself", _set("duplicate_of", 0, "a1"),
     "expect_column_values_to_be_in_set", "computed:not_own_duplicate", CRITICAL),
    ("marts.articles", "null date_source", _set("date_source", 1, None),
     "expect_column_values_to_not_be_null", "date_source", CRITICAL),
    ("marts.articles", "negative word_count", _set("word_count", 0, -1),
     "expect_column_values_to_be_between", "word_count", CRITICAL),
    ("marts.articles", "future date", _set("published_date", 0, FUTURE),
     "expect_column_values_to_be_between", "published_date", WARNING),
    ("marts.sources", "mostly other", _set_all("source_type", "other"),
     "expect_column_values_to_not_be_in_set", "source_type", WARNING),
    ("marts.sources", "last seen before first", _set("last_seen", 0, pd.Timestamp("2024-01-01")),
     "expect_column_pair_values_a_to_be_greater_than_b", "last_seen, first_seen", CRITICAL),
    ("marts.sources", "negative count", _set("claims_made", 2, -2),
     "expect_column_values_to_be_between", "claims_made", CRITICAL),
    ("marts.sources", "pronoun name", _set("name", 3, "They"),
     "expect_column_values_to_not_match_regex", "name", WARNING),
    ("marts.sources", "idle source", _set("claims_made", 3, 0),
     "expect_column_values_to_be_in_set", "computed:source_has_activity", WARNING),
    ("marts.actors", "last seen before first", _set("last_seen", 0, pd.Timestamp("2024-01-01")),
     "expect_column_pair_values_a_to_be_greater_than_b", "last_seen, first_seen", CRITICAL),
    ("marts.actors", "no mentions", _set("n_mentions", 3, 0),
     "expect_column_values_to_be_between", "n_mentions", CRITICAL),
    ("marts.actors", "blank name", _set("name", 1, " "),
     "expect_column_values_to_match_regex", "name", CRITICAL),
    ("marts.actors", "number as name", _set("name", 1, "1,200"),
     "expect_column_values_to_not_match_regex", "name", WARNING),
    ("marts.actors", "pronoun as name", _set("name", 0, "she"),
     "expect_column_values_to_not_match_regex", "name", WARNING),
    ("marts.actors", "no aliases", _set("aliases", 3, []),
     "expect_column_values_to_be_in_set", "computed:has_aliases", WARNING),
    ("marts.actors", "blank alias", _set("aliases", 3, ["NATO", ""]),
     "expect_column_values_to_be_in_set", "computed:aliases_not_blank", WARNING),
    ("marts.claims", "quote not in sentence", _set("text", 1, "words nobody said"),
     "expect_column_values_to_be_in_set", "computed:quote_in_sentence", WARNING),
    ("marts.claims", "negative offset", _set("start_char", 1, -5),
     "expect_column_values_to_be_between", "start_char", CRITICAL),
    ("marts.claims", "empty text", _set("text", 2, ""),
     "expect_column_values_to_match_regex", "text", CRITICAL),
    ("marts.claims", "pronoun speaker", _set("speaker_name", 0, "he"),
     "expect_column_values_to_not_match_regex", "speaker_name", WARNING),
    ("marts.claims", "no speaker resolved", _set_all("speaker_actor_id", None),
     "expect_column_values_to_not_be_null", "speaker_actor_id", WARNING),
    ("marts.events", "quantity without unit", _set("quantity_unit", 2, None),
     "expect_column_values_to_be_in_set", "computed:quantity_has_unit", WARNING),
    ("marts.events", "negative wounded", _set("wounded", 1, -1.0),
     "expect_column_values_to_be_between", "wounded", CRITICAL),
    ("marts.events", "end before start", _set("end_char", 0, 0),
     "expect_column_pair_values_a_to_be_greater_than_b", "end_char, start_char", CRITICAL),
    ("marts.events", "all other", _set_all("event_type", "other"),
     "expect_column_values_to_not_be_in_set", "event_type", WARNING),
    ("marts.quantities", "infinite value", _set("value", 1, math.inf),
     "expect_column_values_to_be_in_set", "computed:value_finite", CRITICAL),
    ("marts.quantities", "infinite high", _set("high", 0, -math.inf),
     "expect_column_values_to_be_in_set", "computed:high_finite", CRITICAL),
    ("marts.quantities", "value as text", _set("value", 0, "three"),
     "expect_column_values_to_be_in_type_list", "value", CRITICAL),
    ("marts.quantities", "null text", _set("text", 1, None),
     "expect_column_values_to_not_be_null", "text", CRITICAL),
    ("marts.quantities", "blank text", _set("text", 0, "  "),
     "expect_column_values_to_match_regex", "text", CRITICAL),
    ("marts.quantities", "end before start", _set("end_char", 0, 0),
     "expect_column_pair_values_a_to_be_greater_than_b", "end_char, start_char", CRITICAL),
    ("marts.quantities", "negative sentence_index", _set("sentence_index", 2, -1),
     "expect_column_values_to_be_between", "sentence_index", CRITICAL),
    ("marts.quantities", "implausibly large", _set("value", 2, 7.1e16),
     "expect_column_values_to_be_between", "value", WARNING),
    ("marts.quantities", "high below value", _set("high", 2, 1.0),
     "expect_column_pair_values_a_to_be_greater_than_b", "high, value", WARNING),
    ("marts.quantities", "no units", _set_all("unit", None),
     "expect_column_values_to_not_be_null", "unit", WARNING),
    ("marts.quantities", "offsets off the text", _widen("end_char", 1, 3),
     "expect_column_values_to_be_in_set", "computed:span_matches_text", WARNING),
    ("marts.figures", "best above high", _set("best", 0, 9000.0),
     "expect_column_values_to_be_in_set", "computed:low_best_high_ordered", CRITICAL),
    ("marts.figures", "a single claim disagreeing", _set("disagreement", 1, True),
     "expect_column_values_to_be_in_set", "computed:one_claim_agrees", CRITICAL),
    ("marts.figures", "more sources than claims", _set("n_sources", 1, 2),
     "expect_column_pair_values_a_to_be_greater_than_b", "n_claims, n_sources", CRITICAL),
    ("marts.figures", "blank measure", _set("measure", 0, " "),
     "expect_column_values_to_match_regex", "measure", CRITICAL),
    ("marts.figures", "low as text", _set("low", 1, "twelve"),
     "expect_column_values_to_be_in_type_list", "low", CRITICAL),
    ("marts.figure_claims", "infinite value", _set("value", 0, math.inf),
     "expect_column_values_to_be_in_set", "computed:value_finite", CRITICAL),
    ("marts.figure_claims", "value as text", _set("value", 1, "five thousand"),
     "expect_column_values_to_be_in_type_list", "value", CRITICAL),
    ("marts.figure_claims", "no sentence", _set("sentence", 2, None),
     "expect_column_values_to_not_be_null", "sentence", CRITICAL),
    ("marts.figure_claims", "end before start", _set("end_char", 1, 3),
     "expect_column_pair_values_a_to_be_greater_than_b", "end_char, start_char", CRITICAL),
    ("marts.figure_claims", "high below value", _set("high", 1, 4000.0),
     "expect_column_pair_values_a_to_be_greater_than_b", "high, value", WARNING),
    ("marts.figure_claims", "offsets off the text", _widen("end_char", 0, 3),
     "expect_column_values_to_be_in_set", "computed:span_matches_text", WARNING),
    ("marts.actor_links", "an actor linked to itself", _set("other_actor_id", 2, "p1"),
     "expect_column_values_to_be_in_set", "computed:links_two_actors", CRITICAL),
    ("marts.actor_links", "a mention pair stored backwards", _set("actor_id", 1, "q9"),
     "expect_column_values_to_be_in_set", "computed:mention_pair_stored_once", CRITICAL),
    ("marts.actor_links", "more articles than times", _set("n_articles", 0, 5),
     "expect_column_pair_values_a_to_be_greater_than_b", "n_times, n_articles", CRITICAL),
    ("marts.actor_links", "no times", _set("n_times", 1, 0),
     "expect_column_values_to_be_between", "n_times", CRITICAL),
    ("marts.actor_links", "missing name", _set("other_actor_name", 0, None),
     "expect_column_values_to_not_be_null", "other_actor_name", CRITICAL),
]  # fmt: skip


def _roundtrip(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as an asset check gets it: written to DuckDB and read back with .df()."""
    with duckdb.connect() as conn:
        conn.register("frame", frame)
        return conn.execute("select * from frame").df()


def test_tables_are_the_contract():
    assert TABLES == (
        "raw.documents", "raw.articles", "nlp.sentences", "nlp.entity_mentions", "nlp.quotes",
        "nlp.event_mentions", "nlp.quantities", "marts.articles", "marts.sources",
        "marts.actors", "marts.claims", "marts.events", "marts.quantities", "marts.figures",
        "marts.figure_claims", "marts.actor_links",
    )  # fmt: skip
    assert set(TABLES) == set(COLUMNS)


# --- the split with dbt (STYLE.md convention 11) ----------------------------------------------

# dbt data test -> the GX expectation types that would check the same thing
DBT_DUTIES = {
    "not_null": {"expect_column_values_to_not_be_null"},
    "unique": {"expect_column_values_to_be_unique"},
    **dict.fromkeys(
        ("accepted_values", "relationships"),
        {
            "expect_column_values_to_be_in_set",
            "expect_column_distinct_values_to_be_in_set",
            "expect_column_distinct_values_to_equal_set",
            "expect_column_distinct_values_to_contain_set",
            "expect_column_most_common_value_to_be_in_set",
        },
    ),
}


# dbt constraint (the marts' enforced contracts) -> the data tests it does the work of
CONSTRAINT_DUTIES = {"primary_key": ("not_null", "unique"), "not_null": ("not_null",)}


@functools.cache
def _dbt_mart_tests() -> dict[str, dict[str, dict[str, Any]]]:
    """{"marts.<model>": {column: {dbt test name: its arguments}}}, from every YAML in marts/,
    a column's constraints counted as the tests they replace."""
    marts: dict[str, dict[str, dict[str, Any]]] = {}
    models = [m for path in sorted(MARTS_DIR.glob("*.yml"))
              for m in (yaml.safe_load(path.read_text()) or {}).get("models") or []]  # fmt: skip
    for model in models:
        columns = marts.setdefault(f"marts.{model['name']}", {})
        for column in model.get("columns") or []:
            tests = column.get("data_tests") or column.get("tests") or []
            duties = dict(_named(test) for test in tests)
            for constraint in column.get("constraints") or []:
                duties.update(dict.fromkeys(CONSTRAINT_DUTIES[constraint["type"]], {}))
            columns[column["name"]] = duties
    return marts


def _named(test: str | dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """`not_null` or `{accepted_values: {arguments: ...}}` as (name, arguments)."""
    if isinstance(test, str):
        return test, {}
    ((name, config),) = test.items()
    return name, (config or {}).get("arguments") or config or {}


def _to_seed(arguments: dict[str, Any]) -> bool:
    seeds = {path.stem for path in (ROOT / "dbt_project" / "seeds").glob("*.csv")}
    return arguments.get("to") in {f"ref('{seed}')" for seed in seeds}


def _accepted_values(table: str, column: str) -> set[str]:
    return set(_dbt_mart_tests()[table][column]["accepted_values"]["values"])


def _duplicated_duties(table: str, expectations) -> list[tuple[str, str, str]]:
    """(dbt test, GX expectation, column) for each expectation that repeats a dbt test."""
    dbt = _dbt_mart_tests()[table]
    found = []
    for expectation in expectations:
        config = expectation.configuration
        column = config.kwargs.get("column")
        for test in dbt.get(column, {}):
            if config.type in DBT_DUTIES.get(test, ()):
                found.append((test, config.type, column))
    return found


def test_every_mart_suite_has_a_dbt_model():
    assert set(MART_TABLES) <= set(_dbt_mart_tests())


def test_dbt_owns_the_mart_enumerations():
    """The guard below reads the YAML right: these are the columns it must leave to dbt."""
    enumerations = {
        (table, column)
        for table in MART_TABLES
        for column, tests in _dbt_mart_tests()[table].items()
        if "accepted_values" in tests or _to_seed(tests.get("relationships", {}))
    }
    assert enumerations >= {
        ("marts.articles", "date_source"), ("marts.sources", "source_type"),
        ("marts.actors", "actor_type"), ("marts.claims", "kind"), ("marts.events", "event_type"),
    }  # fmt: skip


@pytest.mark.parametrize("table", MART_TABLES)
def test_mart_suite_does_not_repeat_dbt_tests(table):
    """No set membership where dbt has accepted_values/relationships, no not-null or uniqueness
    where dbt has not_null/unique: dbt owns structure and relations, GX content."""
    assert _duplicated_duties(table, SUITES[table]().expectations) == []


def test_the_guard_catches_a_repeated_dbt_test():
    repeated = [*_in_set("kind", CLAIM_KINDS), *_required_text("text")]
    assert _duplicated_duties("marts.claims", repeated) == [
        ("not_null", "expect_column_values_to_not_be_null", "kind"),
        ("accepted_values", "expect_column_values_to_be_in_set", "kind"),
        ("not_null", "expect_column_values_to_not_be_null", "text"),
    ]


@pytest.mark.parametrize(
    ("allowed", "table", "column"),
    [
        (DATE_SOURCES, "marts.articles", "date_source"),
        (CLAIM_KINDS, "marts.claims", "kind"),
        (ACTOR_TYPES, "marts.actors", "actor_type"),
    ],
)
def test_raw_and_nlp_sets_match_dbt_accepted_values(allowed, table, column):
    """The raw/nlp suites guard the same enumerations dbt tests on the marts built from them."""
    assert set(allowed) == _accepted_values(table, column)


def test_event_types_match_the_dbt_seed():
    with (ROOT / "dbt_project" / "seeds" / "event_types.csv").open(newline="") as handle:
        assert set(EVENT_TYPES) == {row["event_type"] for row in csv.DictReader(handle)}


def test_file_types_are_what_ingest_writes():
    """Extension types, and "unknown" for a file rejected before its type is known."""
    assert set(FILE_TYPES) == {*formats.EXTENSIONS.values(), "unknown"}


@pytest.mark.parametrize(
    ("table", "record_type"),
    [
        ("raw.documents", records.Document),
        ("raw.articles", records.Article),
        ("nlp.sentences", records.Sentence),
        ("nlp.entity_mentions", records.EntityMention),
        ("nlp.quotes", records.Quote),
        ("nlp.event_mentions", records.EventMention),
        ("nlp.quantities", records.Quantity),
    ],
)
def test_required_columns_are_the_record_fields(table, record_type):
    assert list(COLUMNS[table]) == records.columns(record_type)


@pytest.mark.parametrize("table", TABLES)
def test_every_expectation_has_a_severity_once(table):
    suite = SUITES[table]()
    configs = [e.configuration.to_json_dict() for e in suite.expectations]
    for config in configs:
        assert config["meta"]["severity"] in (CRITICAL, WARNING), config
        assert config["severity"] == config["meta"]["severity"], config
    assert len({json.dumps(c, sort_keys=True, default=str) for c in configs}) == len(configs)
    assert any(c["meta"]["severity"] == CRITICAL for c in configs)


@pytest.mark.parametrize("table", TABLES)
def test_good_frame_passes(table, good_frame):
    validation = validate_table(table, good_frame(table))
    assert validation.failures == ()
    assert validation.success and not validation.blocking_failed
    assert validation.evaluated == len(SUITES[table]().expectations)


@pytest.mark.parametrize("table", TABLES)
def test_good_frame_passes_as_read_from_duckdb(table, good_frame):
    assert validate_table(table, _roundtrip(good_frame(table))).failures == ()


def _as_records_hold_it(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of plain Python values (datetime.date, int, None), as built from records."""
    plain = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.date
        plain[column] = [None if _is_null(v) else v for v in values.astype(object)]
    return pd.DataFrame(plain, dtype=object)


def _is_null(value: object) -> bool:
    return not isinstance(value, list) and bool(pd.isna(value))


@pytest.mark.parametrize("table", TABLES)
def test_good_frame_passes_with_object_columns(table, good_frame):
    assert validate_table(table, _as_records_hold_it(good_frame(table))).failures == ()


@pytest.mark.parametrize("table", TABLES)
def test_empty_frame_only_fails_the_row_count(table, good_frame):
    for empty in (_roundtrip(good_frame(table)).iloc[0:0], pd.DataFrame(columns=COLUMNS[table])):
        validation = validate_table(table, empty)
        assert [f.expectation for f in validation.failures] == [
            "expect_table_row_count_to_be_between"
        ]
        assert not validation.blocking_failed


@pytest.mark.parametrize("table", TABLES)
def test_no_rows_to_validate_leaves_the_table_wide_expectations_to_the_whole_table(
    table, good_frame
):
    whole = good_frame(table)
    keys = table_wide_columns(table)
    validation = validate_table(
        table, whole.iloc[0:0], whole_table=whole[keys] if keys else whole.iloc[:, :1]
    )
    assert validation.failures == ()
    assert (validation.rows_validated, validation.table_rows) == (0, len(whole))
    from great_expectations.expectations.expectation import ColumnAggregateExpectation

    expectations = SUITES[table]().expectations
    aggregates = sum(isinstance(e, ColumnAggregateExpectation) for e in expectations)
    assert validation.evaluated == len(expectations) - aggregates  # undefined on no rows


def test_a_key_used_by_a_row_validated_before_fails_the_new_row(good_frame):
    whole = pd.concat([good_frame("nlp.quotes"), good_frame("nlp.quotes").iloc[:1]])
    keys = table_wide_columns("nlp.quotes")
    assert keys == ["article_id", "claim_index"]
    validation = validate_table("nlp.quotes", whole.iloc[-1:], whole_table=whole[keys])
    assert [(f.expectation, f.column) for f in validation.failures] == [
        ("expect_compound_columns_to_be_unique", "article_id, claim_index")
    ]
    assert validation.blocking_failed
    assert (validation.rows_validated, validation.table_rows) == (1, len(whole))
    # the result the Data Docs render holds both runs
    assert validation.result["statistics"]["evaluated_expectations"] == validation.evaluated
    assert validation.result["statistics"]["unsuccessful_expectations"] == 1


@pytest.mark.parametrize(
    ("table", "mutate", "expectation", "column", "severity"),
    [pytest.param(t, m, e, c, s, id=f"{t}: {why}") for t, why, m, e, c, s in BROKEN],
)
def test_broken_copy_fails(table, mutate, expectation, column, severity, good_frame):
    validation = validate_table(table, mutate(good_frame(table)))
    assert not validation.success
    failed = {(f.expectation, f.column, f.severity) for f in validation.failures}
    assert (expectation, column, severity) in failed, validation.failures
    # a soft problem must not block downstream on its own
    assert validation.blocking_failed is (severity == CRITICAL), validation.failures


def test_a_real_ingest_passes_the_documents_suite(tmp_path):
    """Every file type, a reject, an ingest with notes and an unsupported file, as ingest writes."""
    inbox = tmp_path / "inbox"
    shutil.copytree(INGEST_FIXTURES, inbox)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4")
    documents = ingest_inbox(inbox).documents
    frame = pd.DataFrame(
        [dataclasses.astuple(d) for d in documents],
        columns=records.columns(records.Document),
        dtype=object,
    )
    assert {"ingested", "rejected"} <= set(frame["status"])
    assert validate_table("raw.documents", frame).failures == ()
    assert validate_table("raw.documents", _roundtrip(frame)).failures == ()


def test_a_file_named_with_a_space_passes_and_an_empty_name_fails(good_frame):
    named = _set("source_file", 0, " ")(good_frame("raw.documents"))
    assert validate_table("raw.documents", named).failures == ()
    unnamed = _set("source_file", 0, "")(good_frame("raw.documents"))
    failures = validate_table("raw.documents", unnamed).failures
    assert [(f.expectation, f.column, f.severity) for f in failures] == [
        ("expect_column_value_lengths_to_be_between", "source_file", CRITICAL)
    ]


def test_future_date_caught_whatever_the_date_dtype(good_frame):
    """pd.Timestamp bounds work on datetime64, Timestamp and datetime.date values alike."""
    future = FUTURE.date()
    for values in (
        pd.Series([pd.Timestamp("2024-03-04"), FUTURE, None], dtype="datetime64[us]"),
        pd.Series([dt.date(2024, 3, 4), future, None], dtype=object),
    ):
        frame = good_frame("raw.articles")
        frame["published_date"] = values
        failures = validate_table("raw.articles", frame).failures
        assert [(f.column, f.summary.split()[0]) for f in failures] == [("published_date", "1")]


def test_failure_summary_names_counts_and_examples(good_frame):
    frame = _set("kind", 0, "paraphrase")(good_frame("nlp.quotes"))
    (failure,) = validate_table("nlp.quotes", frame).failures
    assert failure == Failure(
        expectation="expect_column_values_to_be_in_set",
        column="kind",
        severity=CRITICAL,
        summary="1 of 3 rows unexpected (33.3% of the values checked)",
        examples=("'paraphrase'",),
    )


def test_a_null_where_none_is_allowed_shows_no_example(good_frame):
    frame = _set("kind", 0, None)(good_frame("nlp.quotes"))
    (failure,) = validate_table("nlp.quotes", frame).failures
    assert failure.expectation == "expect_column_values_to_not_be_null"
    assert failure.summary.startswith("1 of 3 rows unexpected")
    assert failure.examples == ()


def test_missing_column_is_named(good_frame):
    validation = validate_table("marts.claims", _drop("kind")(good_frame("marts.claims")))
    summaries = {f.expectation: f.summary for f in validation.failures}
    assert summaries["expect_table_columns_to_match_set"] == "missing columns: kind"
    assert validation.blocking_failed


def test_as_metadata_is_plain_and_lists_failures(good_frame):
    frame = _set("killed", 1, -3.0)(good_frame("marts.events"))
    frame = _set("actor_name", 0, "it")(frame)
    metadata = validate_table("marts.events", frame).as_metadata()
    assert json.loads(json.dumps(metadata)) == metadata
    assert all(type(v) in (str, int, float) for v in metadata.values())
    assert metadata["failed_critical"] == 1 and metadata["failed_warning"] == 1
    lines = metadata["failures"].splitlines()
    assert lines[0].startswith("| expectation | column | severity |")
    assert "| expect_column_values_to_be_between | killed | critical |" in lines[2]
    assert "'it'" in lines[3]


def test_as_metadata_when_everything_passes(good_frame):
    metadata = validate_table("marts.actors", good_frame("marts.actors")).as_metadata()
    assert metadata["failed_critical"] == metadata["failed_warning"] == 0
    assert metadata["success_percent"] == 100.0
    assert metadata["failures"] == "No failed expectations."


def test_markdown_cells_are_escaped():
    validation = Validation(
        table="t", success=False, blocking_failed=False, evaluated=1,
        failures=(Failure("expect_x", "a|b", WARNING, "bad\nvalue", ("'x|y'",)),),
    )  # fmt: skip
    row = validation.as_metadata()["failures"].splitlines()[2]
    assert row == "| expect_x | a\\|b | warning | bad value | 'x\\|y' |"


def test_offsets_as_text_fail_without_crashing(good_frame):
    """A rule that cannot be computed on bad types leaves the verdict to the type checks."""
    frame = good_frame("nlp.sentences")
    frame["start_char"] = frame["start_char"].astype(str)
    validation = validate_table("nlp.sentences", frame)
    failed = {(f.expectation, f.column) for f in validation.failures}
    assert ("expect_column_values_to_be_in_type_list", "start_char") in failed
    assert validation.blocking_failed


def test_aggregate_counts_may_be_float(good_frame):
    """DuckDB's sum() is HUGEINT, which pandas reads as float64."""
    frame = good_frame("marts.actors")
    frame["n_mentions"] = frame["n_mentions"].astype("float64")
    assert validate_table("marts.actors", frame).failures == ()


def test_caller_frame_is_not_modified(good_frame):
    frame = good_frame("raw.articles")
    before = list(frame.columns)
    validate_table("raw.articles", frame)
    assert list(frame.columns) == before


def test_unknown_table_is_refused():
    with pytest.raises(ValueError, match="no expectation suite"):
        validate_table("raw.documents_typo", pd.DataFrame())


def test_validation_is_quiet(good_frame, capfd):
    validate_table("nlp.sentences", good_frame("nlp.sentences"))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_importing_the_package_does_not_import_gx_or_pandas():
    code = (
        "import sys, expectations; print(sorted({'great_expectations', 'pandas'} & {*sys.modules}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_expectations_package_imports_no_dagster_duckdb_or_eager_gx():
    for path in sorted(EXPECTATIONS_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            roots = {name.split(".")[0] for name in names}
            assert not roots & {"dagster", "duckdb"}, f"{path.name}:{node.lineno}"
        for node in tree.body:  # module level: GX is slow to import, so only inside functions
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert not (module or "").startswith("great_expectations"), path.name
