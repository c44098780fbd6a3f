"""marts.figures and marts.figure_claims built by dbt from a few hand-made tagged articles in
a temporary warehouse.

The records mirror the sample articles about North Korean troops in Russia: four sources put
the number at 3,000, over 10,000, 11,000 and 10,000 to 12,000.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from stories import Story, load_stories

pytestmark = pytest.mark.slow

STORIES = [
    Story(
        article_id="voa-1",
        outlet="Voice of America",
        published=dt.date(2024, 11, 12),
        sentences=[
            '"Over 10,000 DPRK (North Korean) soldiers have been sent to eastern Russia," '
            "spokesperson Vedant Patel told reporters.",
            "A day earlier, Ukrainian President Volodymyr Zelenskyy said Ukrainian troops were "
            "facing 50,000 troops, including 11,000 North Korean troops deployed by Russia.",
        ],
        mentions=[
            ("DPRK", "North Korea", "country", "GPE", None),
            ("Russia", "Russia", "country", "GPE", None),
            ("Vedant Patel", "Vedant Patel", "person", "PERSON", None),
            ("Ukrainian", "Ukraine", "country", "NORP", "Ukrainian President"),
            ("Volodymyr Zelenskyy", "Volodymyr Zelenskyy", "person", "PERSON", None),
            ("Ukrainian", "Ukraine", "country", "NORP", "Ukrainian troops"),
            ("North Korean", "North Korea", "country", "NORP", "North Korean troops deployed"),
        ],
        quotes=[
            (
                "Vedant Patel",
                "Over 10,000 DPRK (North Korean) soldiers have been sent to eastern Russia",
                None,
            ),
            (
                "Volodymyr Zelenskyy",
                "Ukrainian troops were facing 50,000 troops, including "
                "11,000 North Korean troops deployed by Russia",
                dt.date(2024, 11, 11),
            ),
        ],
        quantities=[
            ("10,000", 10000, None, "troops", "over"),
            ("50,000", 50000, None, "troops", None),
            ("11,000", 11000, None, "troops", None),
        ],
    ),
    Story(
        article_id="voa-2",
        outlet="Voice of America",
        published=dt.date(2024, 10, 24),
        sentences=[
            "The United States said Wednesday that 3,000 North Korean troops were dispatched "
            "to Russia earlier this month.",
        ],
        mentions=[
            ("United States", "United States", "country", "GPE", None),
            ("North Korean", "North Korea", "country", "NORP", None),
            ("Russia", "Russia", "country", "GPE", None),
        ],
        quotes=[
            (
                "United States",
                "3,000 North Korean troops were dispatched to Russia earlier this month",
                dt.date(2024, 10, 23),
            ),
        ],
        quantities=[("3,000", 3000, None, "troops", None)],
    ),
    Story(
        article_id="ap-3",
        outlet="Associated Press",
        published=dt.date(2024, 12, 16),
        sentences=[
            "Those are the first reported casualties since the US and Ukraine announced that "
            "North Korea had sent 10,000 to 12,000 troops to Russia.",
        ],
        mentions=[
            ("US", "United States", "country", "GPE", None),
            ("Ukraine", "Ukraine", "country", "GPE", None),
            ("North Korea", "North Korea", "country", "GPE", None),
            ("Russia", "Russia", "country", "GPE", None),
        ],
        quotes=[
            ("United States", "North Korea had sent 10,000 to 12,000 troops to Russia", None),
            ("Ukraine", "North Korea had sent 10,000 to 12,000 troops to Russia", None),
        ],
        quantities=[("10,000 to 12,000", 10000, 12000, "troops", None)],
    ),
]


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory, run_dbt) -> Path:
    root = tmp_path_factory.mktemp("figures")
    path = load_stories(root, STORIES)
    # cautious: leave out tests that also need marts outside the selection (actors, ...)
    result = run_dbt(
        path, "build", "--select", "+figures", "+figure_claims", "--indirect-selection", "cautious"
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return path


def figures(path: Path) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(path), read_only=True) as conn:
        cursor = conn.execute("select * from marts.figures")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(row["subject"], row["measure"]): row for row in rows}


def test_the_north_korean_troop_figures_are_reconciled(warehouse_file) -> None:
    row = figures(warehouse_file)[("North Korea", "troops")]
    assert (row["n_claims"], row["n_sources"]) == (5, 4)
    assert (row["low"], row["best"], row["high"]) == (3000, 11000, 12000)
    assert row["disagreement"] is True
    assert (row["first_claimed_on"], row["last_claimed_on"]) == (
        dt.date(2024, 10, 23),
        dt.date(2024, 12, 16),
    )


def figure_claims(path: Path, figure_id: str) -> list[dict]:
    """The figure's rows in marts.figure_claims, earliest first."""
    with duckdb.connect(str(path), read_only=True) as conn:
        cursor = conn.execute(
            "select * from marts.figure_claims where figure_id = ? "
            "order by claimed_on nulls last, article_id, start_char, source_name",
            [figure_id],
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_every_claim_keeps_its_value_source_and_date(warehouse_file) -> None:
    figure = figures(warehouse_file)[("North Korea", "troops")]
    claims = figure_claims(warehouse_file, figure["figure_id"])
    assert len(claims) == figure["n_claims"]
    assert [
        (c["value"], c["high"], c["qualifier"], c["source_name"], c["claimed_on"]) for c in claims
    ] == [
        (3000, None, None, "United States", dt.date(2024, 10, 23)),
        (11000, None, None, "Volodymyr Zelenskyy", dt.date(2024, 11, 11)),
        (10000, None, "over", "Vedant Patel", dt.date(2024, 11, 12)),
        (10000, 12000, None, "Ukraine", dt.date(2024, 12, 16)),  # co-speakers by name
        (10000, 12000, None, "United States", dt.date(2024, 12, 16)),
    ]
    assert claims[0]["article_id"] == "voa-2"
    assert claims[0]["sentence"].startswith("The United States said Wednesday that 3,000")


def test_a_figure_without_a_subject_stays_out(warehouse_file) -> None:
    # "Ukrainian troops were facing 50,000 troops": whose troops the text does not say here
    rows = figures(warehouse_file)
    assert set(rows) == {("North Korea", "troops")}


def test_a_claims_offsets_point_at_its_figure_in_the_article(warehouse_file) -> None:
    with duckdb.connect(str(warehouse_file), read_only=True) as conn:
        spans = conn.execute(
            "select claims.text, substring(articles.body, claims.start_char + 1, "
            "claims.end_char - claims.start_char) "
            "from marts.figure_claims as claims join raw.articles using (article_id)"
        ).fetchall()
    assert len(spans) == 5
    assert all(text == span for text, span in spans), spans


def test_a_claim_without_a_subject_is_not_a_figures_claim(warehouse_file) -> None:
    with duckdb.connect(str(warehouse_file), read_only=True) as conn:
        rows = conn.execute("select value from marts.figure_claims").fetchall()
    values = {value for (value,) in rows}
    assert values == {3000, 10000, 11000}  # not the 50,000 troops of no one's


def test_a_figure_whose_count_differs_from_its_claims_fails_its_dbt_test(
    warehouse_file, run_dbt, tmp_path
) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse_file, copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute("update marts.figures set n_claims = n_claims + 1")
    result = run_dbt(copy, "test", "--select", "assert_every_figure_counts_its_claims")
    assert result.returncode == 1
    assert "Got 1 result" in result.stdout, result.stdout[-2000:]
