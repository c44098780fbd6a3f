from orchestration.settings import Settings
from orchestration.tagging import tagging_definitions


def test_the_tagging_definitions_hold_the_tag_batch_job_and_its_resources() -> None:
    definitions = tagging_definitions(Settings.from_env({}))
    job = definitions.resolve_job_def("tag_batch")
    assert job.partitions_def is not None
    assert {"nlp", "tag_files"} <= set(job.required_resource_keys)


def test_a_tag_worker_loads_neither_dbt_nor_great_expectations_nor_the_report(
    modules_imported,
) -> None:
    loads = (
        "from orchestration.settings import Settings\n"
        "from orchestration.tagging import tagging_definitions\n"
        "tagging_definitions(Settings.from_env({})).resolve_job_def('tag_batch')"
    )
    assert modules_imported(loads, ["dagster_dbt", "dbt", "great_expectations", "matplotlib"]) == []
