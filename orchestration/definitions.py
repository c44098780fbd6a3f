"""The one Definitions object: assets, checks, jobs, schedule, sensors and resources."""

from __future__ import annotations

import dagster as dg

from orchestration.assets import inbox_scan, nlp_tags, published, tag_batches
from orchestration.automation import (
    inbox_sensor,
    ingest_job,
    load_job,
    refresh_schedule,
    tag_batch_job,
    tagging_sensor,
)
from orchestration.checks import GREAT_EXPECTATIONS_CHECKS
from orchestration.dbt import dbt_models
from orchestration.docs import DocsSite, docs_pages
from orchestration.project import dbt_resource
from orchestration.resources import Inbox
from orchestration.settings import Settings
from orchestration.tagging import executor, tagging_resources
from orchestration.warehouse import Warehouse


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[inbox_scan, tag_batches, nlp_tags, dbt_models, published, docs_pages],
        asset_checks=GREAT_EXPECTATIONS_CHECKS,
        jobs=[ingest_job, tag_batch_job, load_job],
        schedules=[refresh_schedule(settings.refresh_cron, running=settings.automation)],
        sensors=[
            inbox_sensor(settings.inbox, running=settings.automation),
            tagging_sensor(running=settings.automation),
        ],
        # Jobs that do not name their executor (tag_batch, and "Materialize all" in the UI).
        executor=executor(settings.executor),
        resources={
            "inbox": Inbox(
                path=str(settings.inbox),
                max_file_bytes=settings.max_file_bytes,
                readers=settings.tag_workers,
            ),
            "warehouse": Warehouse(
                path=str(settings.build_database),
                published_path=str(settings.warehouse),
                memory_limit=settings.duckdb_memory_limit,
            ),
            **tagging_resources(settings),
            "dbt": dbt_resource(),
            "docs": DocsSite(path=str(settings.docs_folder)),
        },
    )


defs = build_definitions(Settings.from_env())
