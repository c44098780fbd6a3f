"""The intermediate models and the marts are rebuilt by writing only the rows that changed
(dbt_project/macros/row_diff.sql): after articles come and go, every table equals a fresh build,
including rows of old articles that a new one changes. An article-scoped model
(dbt_project/macros/article_scope.sql) computes only the articles whose inputs changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from stories import Story, load_stories

pytestmark = pytest.mark.slow

BUILD = ("build", "--exclude-resource-type", "unit_test")
# A column comment survives changes to a table's rows, not the table being dropped and rebuilt.
KEPT_TABLE_MARK = "comment on column marts.claims.text is 'kept'"

TORRES = Story(
    article_id="wire-1",
    outlet="Wire Service",
    published=dt.date(2025, 3, 3),
    sentences=[
        "Defense Minister Ana Torres said 2,000 soldiers had crossed the border.",
        "Torres said the soldiers came from Northland.",
    ],
    mentions=[
        ("Ana Torres", "Ana Torres", "person", "PERSON", None),
        ("Torres", "Torres", "person", "PERSON", "Torres said the soldiers"),
        ("Northland", "Northland", "country", "GPE", None),
    ],
    # one speaker twice: two equal rows of int_sources_unioned
    quotes=[
        ("Ana Torres", "2,000 soldiers had crossed the border", dt.date(2025, 3, 2)),
        ("Ana Torres", "the soldiers came from Northland", dt.date(2025, 3, 2)),
    ],
    quantities=[("2,000", 2000, None, "soldiers", None)],
)
LEE = Story(
    article_id="wire-2",
    outlet="Wire Service",
    published=dt.date(2025, 3, 4),
    sentences=["Lee said the talks would resume in April."],
    mentions=[("Lee", "Lee", "person", "PERSON", None)],
    quotes=[("Lee", "the talks would resume in April", None)],
)
# Names Lee in full: Lee's mentions in the article above join Min Lee.
MIN_LEE = Story(
    article_id="post-3",
    outlet="Morning Post",
    published=dt.date(2025, 3, 5),
    sentences=["President Min Lee met Torres on Monday, and 40 people were evacuated."],
    mentions=[
        ("Min Lee", "Min Lee", "person", "PERSON", None),
        ("Torres", "Torres", "person", "PERSON", None),
    ],
    quantities=[("40", 40, None, "people", None)],
)
EVACUATION = Story(
    article_id="post-4",
    outlet="Morning Post",
    published=dt.date(2025, 3, 6),
    sentences=["Northland said 300 people had been evacuated from the border towns."],
    mentions=[("Northland", "Northland", "country", "GPE", None)],
    quotes=[("Northland", "300 people had been evacuated from the border towns", None)],
    quantities=[("300", 300, None, "people", None)],
)


def build(run_dbt, root: Path, stories: list[Story]) -> Path:
    path = load_stories(root, stories)
    result = run_dbt(path, *BUILD)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return path


def tables(path: Path) -> dict[str, tuple]:
    """Every intermediate and mart table: its columns, constraints and rows (sorted)."""
    with duckdb.connect(str(path), read_only=True) as conn:
        names = conn.execute(
            "select schema_name || '.' || table_name from duckdb_tables() "
            "where schema_name in ('intermediate', 'marts') order by 1"
        ).fetchall()
        found = {}
        for (name,) in names:
            schema, table = name.split(".")
            columns = conn.execute(
                "select column_name, data_type, is_nullable from duckdb_columns() "
                "where schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
            constraints = conn.execute(
                "select constraint_type, constraint_text from duckdb_constraints() "
                "where schema_name = ? and table_name = ? order by all",
                [schema, table],
            ).fetchall()
            rows = sorted(conn.execute(f"select * from {name}").fetchall(), key=repr)
            found[name] = (columns, constraints, rows)
    return found


def column_comment(path: Path) -> str | None:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(
            "select comment from duckdb_columns() "
            "where schema_name = 'marts' and table_name = 'claims' and column_name = 'text'"
        ).fetchone()[0]


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory, run_dbt) -> Path:
    return build(run_dbt, tmp_path_factory.mktemp("fresh"), [TORRES, LEE, MIN_LEE])


@pytest.fixture(scope="module")
def changed_build(tmp_path_factory, run_dbt) -> Path:
    """Built with one article that then goes, and rebuilt with one that comes."""
    root = tmp_path_factory.mktemp("changed")
    path = build(run_dbt, root, [TORRES, LEE, EVACUATION])
    with duckdb.connect(str(path)) as conn:
        conn.execute(KEPT_TABLE_MARK)
    return build(run_dbt, root, [TORRES, LEE, MIN_LEE])


def test_a_rebuild_after_articles_come_and_go_equals_a_fresh_build(fresh_build, changed_build):
    fresh, changed = tables(fresh_build), tables(changed_build)
    assert fresh.keys() == changed.keys()
    for name in fresh:
        assert changed[name] == fresh[name], name
    duplicated = fresh["intermediate.int_sources_unioned"][2]
    assert len(set(duplicated)) < len(duplicated)


def test_rows_of_an_old_article_follow_a_name_a_new_article_gives(changed_build):
    with duckdb.connect(str(changed_build), read_only=True) as conn:
        speakers = conn.execute(
            "select speaker_name from marts.claims where article_id = 'wire-2'"
        ).fetchall()
    assert speakers == [("Min Lee",)]


def test_the_tables_are_changed_in_place(changed_build):
    assert column_comment(changed_build) == "kept"


def test_a_table_of_another_shape_is_rebuilt_and_rows_changed_by_hand_are_put_right(
    tmp_path, run_dbt, fresh_build
):
    path = build(run_dbt, tmp_path, [TORRES, LEE, MIN_LEE])
    with duckdb.connect(str(path)) as conn:
        conn.execute(KEPT_TABLE_MARK)
        conn.execute("alter table marts.articles drop column kicker")
        # rows changed by hand in tables of the model's shape are put right, not rebuilt
        conn.execute("delete from marts.claims where article_id = 'wire-2'")
        conn.execute("update intermediate.int_mentions_resolved set actor_key = 'someone else'")
    path = build(run_dbt, tmp_path, [TORRES, LEE, MIN_LEE])
    assert tables(path) == tables(fresh_build)
    assert column_comment(path) == "kept"
    with duckdb.connect(str(path)) as conn:
        conn.execute("comment on table marts.claims is 'built by another project'")
    path = build(run_dbt, tmp_path, [TORRES, LEE, MIN_LEE])
    assert tables(path) == tables(fresh_build)
    assert column_comment(path) is None


def figure_sentences(path: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute("select article_id, sentence from intermediate.int_figures_keyed")
        return set(rows.fetchall())


def test_an_article_scoped_model_computes_only_the_articles_whose_inputs_changed(tmp_path, run_dbt):
    path = build(run_dbt, tmp_path, [TORRES, LEE])
    edited = "update intermediate.int_figures_keyed set sentence = 'edited' where article_id = ?"
    with duckdb.connect(str(path)) as conn:
        conn.execute(edited, ["wire-1"])
    path = build(run_dbt, tmp_path, [TORRES, LEE, EVACUATION])
    assert figure_sentences(path) == {("wire-1", "edited"), ("post-4", EVACUATION.sentences[0])}

    with duckdb.connect(str(path)) as conn:
        conn.execute(edited, ["post-4"])
    path = build(run_dbt, tmp_path, [replace(TORRES, outlet="Other Wire"), LEE, EVACUATION])
    assert figure_sentences(path) == {("wire-1", TORRES.sentences[0]), ("post-4", "edited")}

    # a table not as it was built (another mark), or no fingerprints kept: every article in scope
    for change in (
        "comment on table intermediate.int_figures_keyed is 'built by another project'",
        "drop table intermediate.int_figures_keyed__article_fingerprints",
    ):
        with duckdb.connect(str(path)) as conn:
            conn.execute(edited, ["post-4"])
            conn.execute(change)
        path = build(run_dbt, tmp_path, [TORRES, LEE, EVACUATION])
        assert figure_sentences(path) == {
            ("wire-1", TORRES.sentences[0]),
            ("post-4", EVACUATION.sentences[0]),
        }, change
