"""The refresh job end to end on the sample articles, in process, into temporary warehouses."""

from __future__ import annotations

import os
import re
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from expectations import validate_table
from orchestration.assets import MART_NAMES
from orchestration.checks import CHECK_NAME, CHECKED_TABLES, validate_apart
from orchestration.cli import RunSummary, run_refresh
from orchestration.dbt import current_seeds, dbt_models, mart_metadata
from orchestration.docs import DATA_DOCS, REPORT, DocsSite, dbt_docs_fingerprint
from orchestration.project import dbt_resource, dbt_target_path
from orchestration.queries import all_queries, load_query, run_query
from orchestration.settings import PROJECT_ROOT, Settings
from orchestration.warehouse import Warehouse

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


def _warehouse_copy(settings: Settings, folder: Path) -> Warehouse:
    """The built warehouse's build database copied into `folder`, with none of its state."""
    copy = folder / settings.build_database.name
    shutil.copyfile(settings.build_database, copy)
    return Warehouse(path=str(copy), published_path=str(folder / "published.duckdb"))


@pytest.fixture(scope="module")
def instance(tmp_path_factory) -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.local_temp(str(tmp_path_factory.mktemp("dagster_home"))) as kept:
        yield kept


@pytest.fixture(scope="module")
def built(tmp_path_factory, instance) -> tuple[Settings, RunSummary]:
    settings, _ = fresh_settings(tmp_path_factory.mktemp("seeded"))
    summary = run_refresh(settings, instance)
    return settings, summary


def test_the_refresh_succeeds_with_every_check_passing(built) -> None:
    _, summary = built
    assert summary.success, summary.render()
    assert summary.checks["failed"] == 0, summary.render()
    assert summary.checks["passed"] > 20
    assert len(summary.warned_checks) == summary.checks["warned"]
    for name in summary.warned_checks:
        assert f"  warned check: {name}\n" in summary.render()


def test_every_dbt_check_judges_the_materialization_of_its_run(built, instance) -> None:
    [load_run] = instance.get_run_records(dg.RunsFilter(job_name="load"))
    run_id = load_run.dagster_run.run_id
    evaluations = [
        record.event_log_entry.dagster_event.event_specific_data
        for record in instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ).records
    ]
    judged_marts = {
        evaluation.asset_key.path[-1]: evaluation.target_materialization_data.run_id
        for evaluation in evaluations
        if evaluation.asset_key.path[0] == "marts"
        and evaluation.check_name != CHECK_NAME
    }
    assert judged_marts == dict.fromkeys(MART_NAMES, run_id)


def test_every_mart_has_rows(built) -> None:
    _, summary = built
    assert set(summary.mart_rows) == set(MART_NAMES)
    assert all(n > 0 for n in summary.mart_rows.values()), summary.mart_rows


def test_the_marts_enforce_their_keys_and_not_null_columns(built, tmp_path: Path) -> None:
    """The marts' dbt contracts are constraints of the tables: rows breaking them are refused."""
    settings, _ = built
    copy = _warehouse_copy(settings, tmp_path)
    with duckdb.connect(copy.path) as conn:
        keyed = conn.execute(
            "select table_name from duckdb_constraints() "
            "where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
        assert sorted(name for (name,) in keyed) == sorted(MART_NAMES)
        with pytest.raises(duckdb.ConstraintException, match="Duplicate key"):
            conn.execute("insert into marts.claims select * from marts.claims limit 1")
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL constraint failed"):
            conn.execute(
                "insert into marts.claims (claim_id, article_id, source_id, kind, text) "
                "values ('a new claim', 'an article', 'a source', 'reported', null)"
            )


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


def test_every_example_query_answers_on_the_sample_warehouse(built) -> None:
    settings, _ = built
    queries = all_queries()
    assert len(queries) >= 4
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        for example in queries:
            assert example.title and example.description, example.name
            assert len(run_query(conn, example)) > 0, example.name


def test_who_said_what_about_north_korean_troops_finds_several_speakers(built) -> None:
    settings, _ = built
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        answer = run_query(conn, load_query("who_said_what_about_north_korean_troops"))
    assert answer["speaker_name"].nunique() >= 3
    mentions_troops = re.compile(r"(north korean|pyongyang|dprk).*(troops|soldiers|forces)", re.I)
    assert all(mentions_troops.search(text) for text in answer["text"])


def test_the_readme_shows_every_example_query_with_its_output(built) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    settings, _ = built
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        for example in all_queries():
            assert example.sql.strip() in readme, f"queries/{example.name}.sql is not in README"
            columns = run_query(conn, example).columns
            header = "| " + " | ".join(columns) + " |"
            after_query = readme[readme.index(example.sql.strip()) :]
            assert header in after_query[:4000], f"no output table after {example.name}"


def test_a_marts_metadata_counts_previews_and_summarizes(built) -> None:
    settings, _ = built
    docs = DocsSite(path=str(settings.docs_folder))
    with duckdb.connect(str(settings.build_database), read_only=True) as conn:
        claims = mart_metadata(conn, "claims", docs)
        (n_claims,) = conn.execute("select count(*) from marts.claims").fetchone()
    assert claims["dagster/row_count"] == n_claims
    assert claims["preview"].value.startswith("| claim_id | article_id |")
    assert claims["preview"].value.count("\n") == 1 + 5  # header, rule, five rows
    assert "| speaker_name | claims |" in claims["top speakers"].value
    assert claims["dbt_docs"].value.endswith("#!/model/model.newsledger.claims")


def test_after_a_failed_build_a_marts_metadata_leaves_out_its_summary(built, tmp_path) -> None:
    """A summary may read another mart, which the failed build can have left unbuilt: the
    metadata of the marts that were built must not fail over it and hide dbt's error."""
    settings, _ = built
    docs = DocsSite(path=str(settings.docs_folder))
    copy = _warehouse_copy(settings, tmp_path)
    with duckdb.connect(copy.path) as conn:
        conn.execute("drop table marts.claims")
        with pytest.raises(duckdb.CatalogException, match="claims"):
            mart_metadata(conn, "sources", docs)
        sources = mart_metadata(conn, "sources", docs, summarize=False)
    assert "most-cited sources per outlet" not in sources
    assert sources["dagster/row_count"] > 0


def test_the_refresh_writes_dbt_docs_data_docs_and_the_report(built) -> None:
    settings, summary = built
    docs = settings.docs_folder
    assert summary.docs == str(docs / "index.html")
    front = (docs / "index.html").read_text(encoding="utf-8")
    for part in ("report/index.html", "dbt/index.html", "gx/index.html"):
        assert part in front
    dbt_docs = (docs / "dbt" / "index.html").read_text(encoding="utf-8")
    assert "actor_links" in dbt_docs
    models = list((PROJECT_ROOT / "dbt_project" / "models").rglob("*.sql"))
    assert dbt_docs.count('"compiled": true') >= len(models), "each model shows its compiled SQL"
    data_docs = (docs / "gx" / "index.html").read_text(encoding="utf-8")
    assert all(table in data_docs for table in CHECKED_TABLES)
    assert len(list((docs / "gx" / "validations").rglob("*.html"))) == len(CHECKED_TABLES)
    for picture in ("actor_network", "event_timeline", "disagreeing_figures"):
        png = (docs / "report" / f"{picture}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000, picture
    page = (docs / "report" / "index.html").read_text(encoding="utf-8")
    assert page.count("src='data:image/png;base64,") == 3
    assert not re.search(r"(src|href)=['\"]?(https?:|//)", page), "the report must stand alone"


def test_the_report_materialized_alone_draws_from_the_published_warehouse(
    built, tmp_path: Path
) -> None:
    from orchestration.definitions import build_definitions

    settings = Settings(warehouse=tmp_path / "warehouse.duckdb", inbox=built[0].inbox)
    shutil.copyfile(built[0].warehouse, settings.warehouse)
    job = build_definitions(settings).resolve_implicit_global_asset_job_def()
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, asset_selection=[REPORT])
    assert result.success
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [REPORT]
    page = (settings.docs_folder / "report" / "index.html").read_text(encoding="utf-8")
    assert page.count("src='data:image/png;base64,") == 3
    # drawn apart, the slowest first; shown in the page's order, the tables last
    assert re.findall(r"<figure id='(\w+)'", page) == [
        "actor_network", "event_timeline", "disagreeing_figures"
    ]  # fmt: skip
    assert page.rindex("<figure") < page.index("<section>")
    assert not (settings.docs_folder / "gx").exists()


def test_a_report_that_cannot_be_drawn_fails_after_the_data_docs_are_reported(
    built, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orchestration import docs as docs_assets
    from orchestration.definitions import build_definitions

    def cannot_draw(_published_path: str, _part: str) -> None:
        raise ValueError("nothing to draw")

    monkeypatch.setattr(docs_assets, "draw_report", cannot_draw)  # forked children inherit it
    job = build_definitions(built[0]).resolve_implicit_global_asset_job_def()
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            instance=instance, asset_selection=[DATA_DOCS, REPORT], raise_on_error=False
        )
    assert not result.success
    assert [m.asset_key for m in result.get_asset_materialization_events()] == [DATA_DOCS]
    [failure] = [event for event in result.all_events if event.is_step_failure]
    assert "nothing to draw" in str(failure.step_failure_data.error)


def test_the_sql_command_opens_the_published_warehouse_read_only(built) -> None:
    settings, _ = built
    env = {**os.environ, "NEWSLEDGER_WAREHOUSE": str(settings.warehouse)}
    shell = [sys.executable, "-m", "orchestration", "sql"]
    answer = subprocess.run(
        shell, input="select count(*) as n from marts.claims;", env=env, capture_output=True,
        text=True, timeout=60, cwd=PROJECT_ROOT,
    )
    assert answer.returncode == 0, answer.stderr
    (n_claims,) = query(settings, "select count(*) from marts.claims")[0]
    assert f"│ {n_claims} " in answer.stdout or f" {n_claims} │" in answer.stdout
    write = subprocess.run(
        shell, input="create table marts.scratch (x int);", env=env, capture_output=True,
        text=True, timeout=60, cwd=PROJECT_ROOT,
    )
    assert "read-only" in write.stdout + write.stderr


def test_every_view_answers_in_the_published_warehouse_and_in_a_renamed_copy(
    built, tmp_path: Path
) -> None:
    settings, _ = built
    renamed = tmp_path / "snapshot.duckdb"
    shutil.copyfile(settings.warehouse, renamed)
    for path in (settings.warehouse, renamed):
        with duckdb.connect(str(path), read_only=True) as conn:
            views = conn.execute(
                "select schema_name, view_name from duckdb_views() where not internal"
            ).fetchall()
            assert len(views) >= 7, views
            for schema, view in views:
                conn.execute(f'select count(*) from "{schema}"."{view}"').fetchone()


def _refreshed(settings: Settings, home: Path) -> tuple[RunSummary, set[str]]:
    """Refreshes; its summary, and the reference seeds its load run materialized."""
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        summary = run_refresh(settings, instance)
        assert summary.success, summary.render()
        [load_run] = instance.get_run_records(dg.RunsFilter(job_name="load"))
        materialized = instance.get_records_for_run(
            load_run.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
    keys = [record.event_log_entry.dagster_event.asset_key for record in materialized]
    return summary, {key.path[-1] for key in keys if key.path[0] == "reference"}


def test_a_second_refresh_retags_nothing_and_changes_nothing(built, tmp_path: Path) -> None:
    settings, first = built
    before = mart_contents(settings)
    tagged_before = query(settings, "select article_id, tagged_at from nlp.tagged_articles")
    dbt_docs = DocsSite(path=str(settings.docs_folder)).dbt_index
    dbt_docs_written = dbt_docs.stat().st_mtime_ns
    second, reference_loaded = _refreshed(settings, tmp_path)
    assert reference_loaded == set()
    # the checks left out are those of the reference tables, and the summary says so
    assert first.unchanged_seed_checks == 0
    assert second.unchanged_seed_checks > 0
    assert sum(second.checks.values()) + second.unchanged_seed_checks == sum(first.checks.values())
    assert f"({second.unchanged_seed_checks} checks of reference tables not run" in second.render()
    assert query(settings, "select article_id, tagged_at from nlp.tagged_articles") == tagged_before
    assert mart_contents(settings) == before
    assert dbt_docs.stat().st_mtime_ns == dbt_docs_written
    # dbt kept its parse of the project beside the warehouse, and this build reused it.
    dbt_log = (dbt_target_path(str(settings.build_database)) / "dbt.log").read_text()
    assert "no changes found, skipping parsing" in dbt_log[dbt_log.rindex("Running with dbt") :]


def test_a_refresh_loads_again_the_seeds_whose_table_holds_another_file(
    built, tmp_path: Path
) -> None:
    settings, _ = built
    warehouse = Warehouse(
        path=str(settings.build_database), published_path=str(settings.warehouse)
    )
    every_seed = current_seeds(warehouse)
    assert {key.path[-1] for key in every_seed} == {
        "countries", "event_types", "organizations", "source_types", "titles"
    }
    with warehouse.connect() as conn:
        conn.execute("comment on table reference.countries is 'loaded from an older file'")
    assert _refreshed(settings, tmp_path)[1] == {"countries"}
    assert current_seeds(warehouse) == every_seed


def test_a_failed_dbt_build_leaves_the_seeds_it_loaded_unmarked(built, tmp_path: Path) -> None:
    warehouse = _warehouse_copy(built[0], tmp_path)
    assert current_seeds(warehouse)
    with duckdb.connect(warehouse.path) as conn:  # marts.articles refuses a null body
        conn.execute(
            "insert into raw.articles (article_id, document_id, source_file, body) "
            "values ('a broken article', 'a document', 'broken.txt', null)"
        )
    result = dg.materialize(
        [dbt_models],
        resources={
            "dbt": dbt_resource(),
            "warehouse": warehouse,
            "docs": DocsSite(path=str(tmp_path / "docs")),
        },
        raise_on_error=False,
    )
    assert not result.success
    assert current_seeds(warehouse) == set()


def test_the_dbt_docs_are_made_again_when_a_column_changes(built, tmp_path: Path) -> None:
    warehouse = _warehouse_copy(built[0], tmp_path)
    copy = Path(warehouse.path)
    before = dbt_docs_fingerprint(warehouse)
    assert dbt_docs_fingerprint(warehouse) == before
    with duckdb.connect(str(copy)) as conn:
        conn.execute("alter table marts.claims add column reviewed boolean")
    assert dbt_docs_fingerprint(warehouse) != before


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
    tmp_path: Path, capfd: pytest.CaptureFixture
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
    assert not summary.published
    assert "not replaced by this refresh" in summary.render().splitlines()[0]
    logged = capfd.readouterr().err
    assert re.search(
        r"nlp\.quotes: expect_column_values_to_not_be_null failed \(critical\) on article_id: 1 ",
        logged,
    ), logged
    assert mart_contents(settings) == published_before
    with duckdb.connect(str(settings.build_database), read_only=True) as conn:
        rumours = conn.execute("select count(*) from marts.claims where kind = 'rumour'")
        assert rumours.fetchone() == (0,)


def test_an_inbox_emptied_of_every_file_publishes_empty_marts_and_warns(tmp_path: Path) -> None:
    settings, inbox = fresh_settings(tmp_path)
    assert run_refresh(settings, dg.DagsterInstance.ephemeral()).success
    for path in inbox.iterdir():
        path.unlink()
    summary = run_refresh(settings, dg.DagsterInstance.ephemeral())
    assert summary.success, summary.render()
    assert summary.published
    assert set(summary.mart_rows.values()) == {0}
    assert "marts/articles:great_expectations" in summary.warned_checks
    assert query(settings, "select count(*) from raw.documents") == [(0,)]


def test_tables_validated_in_child_processes_give_what_validating_here_gives(
    built, tmp_path: Path
) -> None:
    warehouse = _warehouse_copy(built[0], tmp_path)
    tables = ["raw.articles", "nlp.quotes", "marts.claims"]
    for table, apart in zip(tables, validate_apart(tables, warehouse), strict=True):
        here = validate_table(table, warehouse.frame(table))
        assert (apart.success, apart.evaluated, apart.failures) == (
            here.success, here.evaluated, here.failures
        )
        assert apart.table == table
        assert apart.evaluated > 10
        assert apart.rows_validated == apart.table_rows == len(warehouse.frame(table))


def test_tables_are_validated_without_importing_great_expectations_here(
    modules_imported, tmp_path: Path
) -> None:
    database, published = tmp_path / "build.duckdb", tmp_path / "warehouse.duckdb"
    validates = (
        "import duckdb\n"
        "from orchestration.checks import validate_apart\n"
        "from orchestration.warehouse import Warehouse\n"
        f"with duckdb.connect({str(database)!r}) as conn:\n"
        "    conn.execute('create schema raw')\n"
        "    conn.execute(\"create table raw.articles as select 'a1' as article_id\")\n"
        f"warehouse = Warehouse(path={str(database)!r}, published_path={str(published)!r})\n"
        "[validation] = validate_apart(['raw.articles'], warehouse)\n"
        "assert validation.table == 'raw.articles' and validation.evaluated > 10, validation\n"
    )
    assert modules_imported(validates, ["great_expectations"]) == []


def test_validations_go_on_after_the_validating_server_is_killed(built, tmp_path: Path) -> None:
    warehouse = _warehouse_copy(built[0], tmp_path)
    [before] = validate_apart(["raw.articles"], warehouse)
    [server] = _validating_servers()
    ended = os.pidfd_open(server)
    os.kill(server, signal.SIGKILL)
    assert select.select([ended], [], [], 10)[0] == [ended]
    os.close(ended)
    [after] = validate_apart(["raw.articles"], warehouse)
    assert (after.table, after.table_rows) == (before.table, before.table_rows)
    assert after.evaluated == before.evaluated > 10
    assert _validating_servers() not in ([], [server])


def _validating_servers() -> list[int]:
    """The fork servers this process started, by their command line."""
    servers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if parent == os.getpid() and b"multiprocessing.forkserver" in command:
            servers.append(int(stat.parent.name))
    return servers


def test_a_check_validates_the_rows_new_or_changed_since_it_last_passed(
    built, tmp_path: Path
) -> None:
    warehouse = _warehouse_copy(built[0], tmp_path)

    def validated() -> tuple[bool, int, int]:
        [validation] = validate_apart(["nlp.quotes"], warehouse)
        return validation.success, validation.rows_validated, validation.table_rows

    def execute(sql: str) -> None:
        with warehouse.connect() as conn:
            conn.execute(sql)

    n = len(warehouse.frame("nlp.quotes"))
    assert validated() == (True, n, n)
    assert validated() == (True, 0, n)
    execute(
        "insert into nlp.quotes select * replace (claim_index + 1000 as claim_index) "
        "from nlp.quotes order by article_id, claim_index limit 1"
    )
    assert validated() == (True, 1, n + 1)
    execute("update nlp.quotes set kind = 'rumour' where claim_index = 0")
    changed = len(warehouse.frame("nlp.quotes").query("claim_index == 0"))
    # a critical failure keeps what passed before: the same rows are validated again
    assert validated() == (False, changed, n + 1)
    assert validated() == (False, changed, n + 1)
    execute("update nlp.quotes set kind = 'direct_quote' where kind = 'rumour'")
    assert validated()[0]
    # a key taken by a row validated before fails the new row that repeats it
    execute("insert into nlp.quotes select * from nlp.quotes order by all limit 1")
    assert validated() == (False, 0, n + 2)
    # a missing key column fails the suite, and no staged hashes are left behind
    execute("alter table nlp.quotes drop column claim_index")
    assert validated() == (False, n + 2, n + 2)
    assert not list((tmp_path / "validated").glob(".*"))


def test_an_error_in_a_validating_child_is_raised_here(built) -> None:
    settings, _ = built
    warehouse = Warehouse(path=str(settings.build_database), published_path=str(settings.warehouse))
    with pytest.raises(ValueError, match="no expectation suite for 'nlp.tagged_articles'"):
        validate_apart(["raw.articles", "nlp.tagged_articles", "marts.claims"], warehouse)
