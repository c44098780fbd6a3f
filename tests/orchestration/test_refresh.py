"""The refresh job end to end on the sample articles, in process, into temporary warehouses."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.assets import MART_NAMES
from orchestration.cli import RunSummary, run_refresh
from orchestration.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

SEEDS = PROJECT_ROOT / "seeds"


def fresh_settings(root: Path) -> tuple[Settings, Path]:
    inbox = root / "inbox"
    shutil.copytree(SEEDS, inbox)
    # dagster-dbt's metadata needs the same database file name as at parse time.
    return Settings(warehouse=root / "warehouse.duckdb", inbox=inbox), inbox


def query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def mart_contents(settings: Settings) -> dict[str, list[tuple]]:
    return {
        name: sorted(map(repr, query(settings, f"select * from marts.{name}")))
        for name in MART_NAMES
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Settings, RunSummary]:
    settings, _ = fresh_settings(tmp_path_factory.mktemp("seeded"))
    summary = run_refresh(settings, dg.DagsterInstance.ephemeral())
    return settings, summary


def test_the_refresh_succeeds_with_every_check_passing(built) -> None:
    _, summary = built
    assert summary.success, summary.render()
    assert summary.checks["failed"] == 0, summary.render()
    assert summary.checks["passed"] > 20


def test_every_mart_has_rows(built) -> None:
    _, summary = built
    assert set(summary.mart_rows) == set(MART_NAMES)
    assert all(n > 0 for n in summary.mart_rows.values()), summary.mart_rows


def test_the_newspaper_page_is_five_stories(built) -> None:
    settings, _ = built
    rows = query(
        settings,
        "select story_index from marts.articles where source_file like '001_%' order by 1",
    )
    assert [r[0] for r in rows] == [0, 1, 2, 3, 4]


def test_the_spokesperson_quote_is_attributed_to_him(built) -> None:
    settings, _ = built
    rows = query(
        settings,
        "select speaker_name, kind from marts.claims "
        "where text like 'Over 10,000 DPRK (North Korean) soldiers have been sent%'",
    )
    assert ("Vedant Patel", "direct_quote") in rows


def test_kim_jong_un_is_one_actor_across_spellings(built) -> None:
    settings, _ = built
    rows = query(
        settings,
        "select name, actor_type, aliases from marts.actors "
        "where list_has_any(aliases, ['Kim Jong Un', 'Kim Jong-un'])",
    )
    assert len(rows) == 1, rows
    name, actor_type, aliases = rows[0]
    assert (name, actor_type) == ("Kim Jong Un", "person")
    assert {"Kim Jong Un", "Kim Jong-un"} <= set(aliases)


def test_claim_offsets_point_into_the_article_body(built) -> None:
    settings, _ = built
    mismatches = query(
        settings,
        "select c.claim_id from marts.claims c join marts.articles a using (article_id) "
        "where c.start_char < 0 or c.end_char > length(a.body) or c.start_char >= c.end_char",
    )
    assert mismatches == []


def test_a_second_refresh_retags_nothing_and_changes_nothing(built) -> None:
    settings, _ = built
    before = mart_contents(settings)
    tagged_before = query(settings, "select article_id, tagged_at from nlp.tagged_articles")
    summary = run_refresh(settings, dg.DagsterInstance.ephemeral())
    assert summary.success, summary.render()
    assert query(settings, "select article_id, tagged_at from nlp.tagged_articles") == tagged_before
    assert mart_contents(settings) == before


def test_an_edited_file_replaces_its_rows(tmp_path: Path) -> None:
    settings, inbox = fresh_settings(tmp_path)
    assert run_refresh(settings, dg.DagsterInstance.ephemeral()).success
    edited = next(inbox.glob("004_*.txt"))
    old_ids = {r[0] for r in query(
        settings, "select article_id from marts.articles where source_file = ?", [edited.name]
    )}
    edited.write_text(
        "Officials in the capital said on Thursday that the military shot down 12 drones "
        "overnight, the governor said.\n",
        encoding="utf-8",
    )
    assert run_refresh(settings, dg.DagsterInstance.ephemeral()).success
    rows = query(
        settings,
        "select article_id, body from marts.articles where source_file = ?", [edited.name]
    )
    assert len(rows) == 1 and rows[0][0] not in old_ids
    assert "12 drones" in rows[0][1]
    stale = query(
        settings,
        "select count(*) from marts.claims where list_contains(?, article_id)", [list(old_ids)]
    )
    assert stale == [(0,)]


def test_broken_tag_rows_fail_the_blocking_check_and_the_marts_keep_their_contents(
    tmp_path: Path,
) -> None:
    settings, _ = fresh_settings(tmp_path)
    assert run_refresh(settings, dg.DagsterInstance.ephemeral()).success
    published_before = mart_contents(settings)
    with duckdb.connect(str(settings.build_database)) as conn:
        conn.execute(
            "insert into nlp.quotes (article_id, claim_index, sentence_index, kind, speaker_type, "
            "text, sentence, start_char, end_char) "
            "values (null, 0, 0, 'rumour', 'person', '', '', -5, -9)"
        )
    summary = run_refresh(settings, dg.DagsterInstance.ephemeral())
    assert not summary.success
    assert "nlp/quotes:great_expectations" in summary.failed_checks
    assert mart_contents(settings) == published_before
    with duckdb.connect(str(settings.build_database), read_only=True) as conn:
        rumours = conn.execute("select count(*) from marts.claims where kind = 'rumour'")
        assert rumours.fetchone() == (0,)
