"""`newsledger run`: materialize every asset once and print what the warehouse holds."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from dataclasses import dataclass

import dagster as dg
import duckdb

from orchestration.assets import MART_NAMES
from orchestration.settings import Settings


@dataclass(frozen=True)
class RunSummary:
    success: bool
    mart_rows: dict[str, int]
    checks: Counter  # "passed" / "failed" / "warned"
    failed_checks: list[str]
    failed_steps: list[str]
    warehouse: str

    def render(self) -> str:
        lines = [f"warehouse: {self.warehouse}"]
        lines += [f"  marts.{name:<11} {n:>7} rows" for name, n in self.mart_rows.items()]
        lines.append(
            f"checks: {self.checks['passed']} passed, {self.checks['failed']} failed, "
            f"{self.checks['warned']} warned"
        )
        lines += [f"  failed check: {name}" for name in self.failed_checks]
        lines += [f"  failed step: {name}" for name in self.failed_steps]
        lines.append("run: " + ("succeeded" if self.success else "FAILED"))
        return "\n".join(lines)


def run_refresh(settings: Settings, instance: dg.DagsterInstance) -> RunSummary:
    """Run the refresh job in this process against `settings` and summarize it."""
    from orchestration.project import prepare_dbt_manifest
    from orchestration.recovery import fail_dead_runs

    for run_id in fail_dead_runs(instance):
        print(f"marked run {run_id} failed: its process is gone; its writer slot is free again")
    prepare_dbt_manifest()
    from orchestration.definitions import build_definitions

    job = build_definitions(settings).resolve_job_def("refresh")
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    checks: Counter = Counter()
    failed_checks = []
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            checks["passed"] += 1
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            checks["warned"] += 1
        else:
            checks["failed"] += 1
            failed_checks.append(name)
    failed_steps = [
        event.step_key for event in result.all_events if event.is_step_failure and event.step_key
    ]
    return RunSummary(
        success=result.success,
        mart_rows=published_row_counts(settings),
        checks=checks,
        failed_checks=failed_checks,
        failed_steps=failed_steps,
        warehouse=str(settings.warehouse),
    )


def published_row_counts(settings: Settings) -> dict[str, int]:
    if not settings.warehouse.exists():
        return {}
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        present = {
            row[0]
            for row in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        return {
            name: conn.execute(f"select count(*) from marts.{name}").fetchone()[0]
            for name in MART_NAMES
            if name in present
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsledger", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="ingest the inbox, tag, build and check the marts, publish")
    parser.parse_args(argv)
    settings = Settings.from_env()
    print(f"newsledger: {settings.inbox} -> {settings.warehouse}", flush=True)
    has_home = bool(os.environ.get("DAGSTER_HOME"))
    instance = dg.DagsterInstance.get() if has_home else dg.DagsterInstance.ephemeral()
    summary = run_refresh(settings, instance)
    print(summary.render())
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main())
