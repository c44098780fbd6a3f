"""The example queries' files and the Markdown tables that show their answers."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.queries import QUERIES_DIR, all_queries, load_query, markdown_table, run_query


def test_every_query_file_has_a_title_and_a_description() -> None:
    names = {query.name for query in all_queries()}
    assert {
        "who_said_what_about_north_korean_troops",
        "most_cited_sources_per_outlet",
        "events_by_type_and_date",
        "figures_that_disagree",
    } <= names
    assert len(names) == len(list(QUERIES_DIR.glob("*.sql")))


def test_a_query_without_its_comment_lines_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bare.sql").write_text("select 1;\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bare.sql: start with a '-- title' line"):
        load_query("bare", tmp_path)


def test_a_query_runs_with_its_comments(tmp_path: Path) -> None:
    (tmp_path / "one.sql").write_text(
        "-- One\n-- The number one,\n-- written twice.\nselect 1 as n, 'a|b' as text;\n",
        encoding="utf-8",
    )
    query = load_query("one", tmp_path)
    assert (query.title, query.description) == ("One", "The number one, written twice.")
    with duckdb.connect() as conn:
        assert markdown_table(run_query(conn, query)) == "| n | text |\n|---|---|\n| 1 | a\\|b |"


def test_markdown_cells_are_readable() -> None:
    frame = pd.DataFrame(
        {
            "value": [3_000.0, 2.5, float("nan")],
            "day": [pd.Timestamp("2025-03-01"), pd.NaT, pd.Timestamp("2025-03-02 10:30")],
            "names": [["Ana", "Ben"], [], ["C"]],
            "text": ["x" * 200, "two\nlines", None],
        }
    )
    lines = markdown_table(frame).splitlines()
    assert lines[2] == "| 3,000 | 2025-03-01 | Ana; Ben | " + "x" * 79 + "… |"
    assert lines[3] == "| 2.5 |  |  | two lines |"
    assert lines[4] == "|  | 2025-03-02T10:30:00 | C |  |"


def test_a_long_list_is_shortened_as_its_whole_text_would_be() -> None:
    values = [f"value {n}" for n in range(100_000)]
    [line] = markdown_table(pd.DataFrame({"values": [values]})).splitlines()[2:]
    assert line == "| " + "; ".join(values)[:79] + "… |"


def test_long_answers_say_how_many_rows_are_left_out() -> None:
    table = markdown_table(pd.DataFrame({"n": range(12)}), max_rows=10)
    assert table.endswith("\n\n2 more rows")
    assert markdown_table(pd.DataFrame({"n": []})) == "(no rows)"
