"""The benchmark's account of where a run's wall time went, from its Dagster step times."""

from bench.run_bench import stage_table, stage_times


def refresh_result() -> dict:
    """A refresh as the benchmark records it: an ingest run (a…) and a load run (b…) that tags
    its one batch itself, so `tag_in_parallel` starts no tag_batch run."""
    seconds = {
        "inbox_scan@a": 1.8,
        "raw_great_expectations@a": 0.5,
        "nlp__tag_batches@b": 1.5,
        "nlp_tags@b": 0.3,
        "nlp_great_expectations@b": 1.2,
        "dbt_models@b": 14.7,
        "marts_great_expectations@b": 1.4,
        "warehouse__published@b": 0.2,
        "docs@b": 2.4,
    }
    return {
        "wall_seconds": 30.0,
        "events": {
            "startup_seconds": 3.5,
            "run_seconds": 26.0,
            "steps": {key: {"seconds": value} for key, value in seconds.items()},
        },
        "calls": {
            "calls": {"ingest.scan_inbox": {"seconds": 1.0, "calls": 1}},
            "cpu_of": {"nlp.tag_in_parallel": {"seconds": 0.001}},
        },
    }


def test_the_load_runs_tagging_and_the_docs_are_stages_of_their_own():
    stages = stage_times(refresh_result())

    assert stages["nlp"] == 1.801  # nothing run beside the load run, then its two steps
    assert stages["docs"] == 2.4
    assert stages["checks"] == 3.1
    assert stages["ingest"] == 1.8
    assert stages["ingest_extract"] == 1.0


def test_what_no_step_accounts_for_is_dagsters_and_the_process_own():
    stages = stage_times(refresh_result())

    assert stages["orchestration_gaps"] == 26.0 - 24.0
    assert stages["startup"] == 3.5
    assert stages["teardown"] == 30.0 - 3.5 - 26.0


def test_the_table_shows_each_stage_as_a_share_of_the_wall():
    table = stage_table("a refresh", stage_times(refresh_result()), 30.0)

    assert table[0] == "| stage of a refresh | seconds | share of wall |"
    assert "| docs (dbt docs, Data Docs, report) | 2.4 | 8.0% |" in table
    assert "| NLP step | 1.8 | 6.0% |" in table
    assert table[-1] == "| **total wall** | **30.0** | 100% |"
