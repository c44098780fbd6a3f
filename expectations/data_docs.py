"""Great Expectations Data Docs: the HTML site of every suite and its latest validation."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from expectations.suites import SUITES
from expectations.validation import ephemeral_context

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before any GX import: no usage stats

SITE_NAME = "newsledger"


def build_data_docs(
    results: Mapping[str, dict[str, Any]], site: Path, *, run_name: str = "refresh"
) -> Path:
    """Render the suites and the validation results (table -> GX result JSON) into `site`.

    The site is built beside `site` and swapped in whole, so a reader never sees it half
    written. Returns the site's index.html.
    """
    import great_expectations as gx
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    building = site.with_name(site.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    context = ephemeral_context()
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(building),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    for table, make_suite in SUITES.items():
        context.suites.add(gx.ExpectationSuite(name=table, expectations=make_suite().expectations))
    run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
    for table, result in sorted(results.items()):
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=table),
            run_id=run_id,
            batch_identifier=table,
        )
        context.validation_results_store.set(key, ExpectationSuiteValidationResult(**result))
    context.build_data_docs(site_names=[SITE_NAME])
    previous = site.with_name(site.name + ".previous")
    shutil.rmtree(previous, ignore_errors=True)
    if site.exists():
        site.rename(previous)
    building.rename(site)
    shutil.rmtree(previous, ignore_errors=True)
    return site / "index.html"
