"""The tag_batch job on its own, for the processes that only tag: without dbt, Great
Expectations and the report, each tag worker starts sooner and holds less memory."""

import importlib

import dagster as dg

from orchestration.automation import tag_batch_job
from orchestration.resources import NlpPipeline
from orchestration.settings import Settings
from orchestration.tag_files import TagFiles


def tagging_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        jobs=[tag_batch_job],
        executor=executor(settings.executor),
        resources=tagging_resources(settings),
    )


def tagging_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "nlp": NlpPipeline(
            model=settings.spacy_model,
            batch_size=settings.nlp_batch_size,
            processes=settings.nlp_processes,
            workers=settings.tag_workers,
        ),
        "tag_files": TagFiles(
            path=str(settings.tagging_folder), batch_articles=settings.tag_batch_articles
        ),
    }


def executor(import_path: str | None) -> dg.ExecutorDefinition:
    """The executor named `module:attribute` (e.g. `dagster_k8s:k8s_job_executor`), or the
    in-process one: a run of one step gains nothing from a subprocess per step."""
    if not import_path:
        return dg.in_process_executor
    module, _, attribute = import_path.partition(":")
    try:
        found = getattr(importlib.import_module(module), attribute, None)
    except ImportError:
        found = None
    if not isinstance(found, dg.ExecutorDefinition):
        raise ValueError(
            f"NEWSLEDGER_EXECUTOR={import_path!r} does not name a Dagster executor "
            "(module:attribute, e.g. dagster:multiprocess_executor)"
        )
    return found
