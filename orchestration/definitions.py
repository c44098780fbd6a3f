"""The one Definitions object: assets, checks, job, schedule, sensor and resources."""

from __future__ import annotations

import dagster as dg

from orchestration.assets import inbox_scan, nlp_tags, published
from orchestration.automation import inbox_sensor, refresh_job, refresh_schedule
from orchestration.checks import GREAT_EXPECTATIONS_CHECKS
from orchestration.dbt import dbt_models
from orchestration.docs import DocsSite, data_docs, report
from orchestration.project import dbt_resource
from orchestration.resources import Inbox, NlpPipeline
from orchestration.settings import Settings
from orchestration.warehouse import Warehouse


def build_definitions(settings: Settings) -> dg.Definitions:
    return dg.Definitions(
        assets=[inbox_scan, nlp_tags, dbt_models, published, data_docs, report],
        asset_checks=GREAT_EXPECTATIONS_CHECKS,
        jobs=[refresh_job],
        # Also the executor of runs launched from the UI ("Materialize all", a selection): the
        # writer pool serializes their steps anyway, and in process each step skips a re-import.
        executor=dg.in_process_executor,
        schedules=[refresh_schedule(settings.refresh_cron, running=settings.automation)],
        sensors=[inbox_sensor(settings.inbox, running=settings.automation)],
        resources={
            "inbox": Inbox(path=str(settings.inbox), max_file_bytes=settings.max_file_bytes),
            "warehouse": Warehouse(
                path=str(settings.build_database), published_path=str(settings.warehouse)
            ),
            "nlp": NlpPipeline(
                model=settings.spacy_model,
                batch_size=settings.nlp_batch_size,
                processes=settings.nlp_processes,
            ),
            "dbt": dbt_resource(),
            "docs": DocsSite(path=str(settings.docs_folder)),
        },
    )


defs = build_definitions(Settings.from_env())
