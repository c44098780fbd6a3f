"""Validate one table's frame against its suite and shape the result for an asset check.

GX runs with an ephemeral, in-memory context over a pandas DataFrame (GX 1.24 has no DuckDB
datasource): a fresh context per call, which costs milliseconds once GX is imported and shares
no state between concurrent checks. Nothing is written to disk, no usage statistics are sent
and no progress bars are drawn.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from expectations.suites import CRITICAL, SUITES, TABLES, WARNING, Suite

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.expectations import Expectation

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before any GX import: no usage stats

MAX_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 40


@dataclass(frozen=True)
class Failure:
    """One failed expectation."""

    expectation: str  # GX expectation type, e.g. expect_column_values_to_be_in_set
    column: str | None  # column(s) it reads; None for table-level expectations
    severity: str  # critical | warning
    summary: str  # observed value, or how many rows were unexpected
    examples: tuple[str, ...] = ()  # a few unexpected values, shortened


@dataclass(frozen=True)
class Validation:
    """The outcome of one table's suite."""

    table: str
    success: bool  # no expectation failed
    blocking_failed: bool  # a critical expectation failed: block downstream
    evaluated: int
    failures: tuple[Failure, ...]
    # GX's own result as JSON, which its Data Docs render
    result: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    rows_validated: int = 0  # the rows the row-wise expectations saw
    table_rows: int = 0  # the rows the table-wide expectations saw

    def as_metadata(self) -> dict[str, str | int | float]:
        """Plain values for asset-check metadata; `failures` is a Markdown table."""
        critical = sum(f.severity == CRITICAL for f in self.failures)
        passed = self.evaluated - len(self.failures)
        return {
            "table": self.table,
            "rows_validated": self.rows_validated,
            "table_rows": self.table_rows,
            "evaluated": self.evaluated,
            "passed": passed,
            "failed_critical": critical,
            "failed_warning": len(self.failures) - critical,
            "success_percent": round(100.0 * passed / self.evaluated, 1)
            if self.evaluated
            else 100.0,
            "failures": failures_markdown(self.failures),
        }


def validate_table(
    table: str, frame: pd.DataFrame, *, whole_table: pd.DataFrame | None = None
) -> Validation:
    """Validate `frame`, the rows of `table`, against that table's suite.

    With `whole_table` (every row of the table, in the columns of `table_wide_columns`), `frame`
    may be some of its rows only, such as those not validated before: the table-wide
    expectations (row count, unique keys) then see `whole_table`, the others `frame`, those on
    a share of the rows (`mostly`) or a mean included.
    """
    suite = _suite(table)
    apart = whole_table is not None
    table_wide = tuple(e for e in suite.expectations if apart and _is_table_wide(e))
    row_wise = tuple(e for e in suite.expectations if not (apart and _is_table_wide(e)))
    if not len(frame):
        row_wise = _defined_when_empty(row_wise)
    runs = [_run(suite.table, row_wise, prepared(frame, suite))]
    if whole_table is None:
        whole_table = frame  # the table-wide expectations ran on it with the others
    else:
        runs.append(_run(suite.table, table_wide, whole_table))
    return _shape(table, runs, rows_validated=len(frame), table_rows=len(whole_table))


def table_wide_columns(table: str) -> list[str]:
    """The columns the table-wide expectations of `table`'s suite read (its unique keys)."""
    columns: list[str] = []
    for expectation in filter(_is_table_wide, _suite(table).expectations):
        for column in getattr(expectation, "column_list", None) or [
            getattr(expectation, "column", None)
        ]:
            if column is not None and column not in columns:
                columns.append(column)
    return columns


def _suite(table: str) -> Suite:
    if table not in SUITES:
        raise ValueError(
            f"no expectation suite for {table!r}; suites exist for {', '.join(TABLES)}"
        )
    return SUITES[table]()


def _is_table_wide(expectation: Expectation) -> bool:
    """About the table as a whole rather than each row: its row count and unique keys."""
    import great_expectations.expectations as gxe

    return isinstance(
        expectation,
        gxe.ExpectTableRowCountToBeBetween
        | gxe.ExpectColumnValuesToBeUnique
        | gxe.ExpectCompoundColumnsToBeUnique,
    )


def prepared(frame: pd.DataFrame, suite: Suite) -> pd.DataFrame:
    """A copy of `frame` ready for GX: dates as datetime64, the suite's computed columns added.

    DuckDB hands DATE columns back as datetime64, but a frame built in Python holds
    `datetime.date` objects, which pandas refuses to compare with the suites' `pd.Timestamp`
    bounds. A rule that cannot be computed (a column it reads is missing or holds the wrong type)
    is left out: its expectation then fails on the missing computed column, beside the critical
    check that names the real problem.
    """
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_object_dtype(frame[column]):
            continue
        values = frame[column].dropna()
        if len(values) and all(_is_plain_date(v) for v in values):
            frame[column] = pd.to_datetime(frame[column])
    for name, rule in suite.computed.items():
        try:
            frame[name] = rule(frame)
        except Exception:  # a column missing or of the wrong type: GX reports it
            continue
    return frame


def _is_plain_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _defined_when_empty(expectations: tuple[Expectation, ...]) -> tuple[Expectation, ...]:
    """Drop column aggregates (a mean, ...): undefined on no rows, where GX fails them.

    The row-count expectation already reports an empty table, with its own severity.
    """
    from great_expectations.expectations.expectation import ColumnAggregateExpectation

    return tuple(e for e in expectations if not isinstance(e, ColumnAggregateExpectation))


def ephemeral_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _run(
    table: str, expectations: tuple[Expectation, ...], frame: pd.DataFrame
) -> ExpectationSuiteValidationResult:
    import great_expectations as gx

    context = ephemeral_context()
    source = context.data_sources.add_pandas(f"newsledger-{uuid.uuid4().hex[:8]}")
    batch_definition = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe(
        "whole table"
    )
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    gx_suite = gx.ExpectationSuite(name=table, expectations=list(expectations))
    return batch.validate(
        gx_suite,
        result_format={"result_format": "BASIC", "partial_unexpected_count": MAX_EXAMPLES * 4},
    )


def _shape(
    table: str,
    runs: list[ExpectationSuiteValidationResult],
    *,
    rows_validated: int,
    table_rows: int,
) -> Validation:
    results = [r for run in runs for r in run.results]
    failures = [_failure(r) for r in results if not r.success]
    failures.sort(key=lambda f: (f.severity != CRITICAL, f.column or "", f.expectation))
    return Validation(
        table=table,
        success=not failures,
        blocking_failed=any(f.severity == CRITICAL for f in failures),
        evaluated=len(results),
        failures=tuple(failures),
        result=_merged(runs),
        rows_validated=rows_validated,
        table_rows=table_rows,
    )


def _merged(runs: list[ExpectationSuiteValidationResult]) -> dict[str, Any]:
    """The runs of one suite as one GX result, JSON, with the first run's batch and meta."""
    merged = runs[0].to_json_dict()
    for run in runs[1:]:
        merged["results"].extend(run.to_json_dict()["results"])
    evaluated = len(merged["results"])
    successful = sum(bool(r["success"]) for r in merged["results"])
    merged["success"] = successful == evaluated
    merged["statistics"] = {
        **merged["statistics"],
        "evaluated_expectations": evaluated,
        "successful_expectations": successful,
        "unsuccessful_expectations": evaluated - successful,
        "success_percent": 100.0 * successful / evaluated if evaluated else None,
    }
    return merged


def _failure(result: ExpectationValidationResult) -> Failure:
    config = result.expectation_config
    severity = (config.meta or {}).get("severity", CRITICAL)
    if severity not in (CRITICAL, WARNING):
        severity = CRITICAL
    return Failure(
        expectation=config.type,
        column=_columns_of(config.kwargs),
        severity=severity,
        summary=_summary(result),
        examples=_examples(result.result or {}),
    )


def _columns_of(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(map(str, kwargs["column_list"]))
    return None


def _summary(result: ExpectationValidationResult) -> str:
    error = _exception_message(result.exception_info or {})
    if error is not None:
        return f"error: {error}"
    values = result.result or {}
    details = values.get("details") or {}
    if isinstance(details, dict) and details.get("mismatched"):
        missing = details["mismatched"].get("missing") or []
        if missing:
            return "missing columns: " + ", ".join(map(str, missing))
    if values.get("unexpected_count") is not None:
        unexpected, total = values["unexpected_count"], values.get("element_count") or 0
        percent = values.get("unexpected_percent")
        share = (
            f" ({percent:.1f}% of the values checked)" if isinstance(percent, int | float) else ""
        )
        mostly = result.expectation_config.kwargs.get("mostly")
        allowed = (
            f", at most {100 * (1 - mostly):.1f}% allowed" if mostly not in (None, 1, 1.0) else ""
        )
        return f"{unexpected} of {total} rows unexpected{share}{allowed}"
    if "observed_value" in values:
        return f"observed {_short(values['observed_value'], 80)}"
    return "failed"


def _exception_message(info: dict[str, Any]) -> str | None:
    """The first exception GX caught: at the top level, or per metric when one failed."""
    candidates = [info, *(v for v in info.values() if isinstance(v, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            message = str(candidate.get("exception_message") or "error").strip()
            return message.splitlines()[0] if message else "error"
    return None


def _examples(values: dict[str, Any]) -> tuple[str, ...]:
    examples: list[str] = []
    for value in values.get("partial_unexpected_list") or []:
        if _is_null(value):  # a not-null check's unexpected values say nothing more
            continue
        text = _short(value, MAX_EXAMPLE_CHARS)
        if text not in examples:
            examples.append(text)
        if len(examples) == MAX_EXAMPLES:
            break
    return tuple(examples)


def _is_null(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _short(value: object, limit: int) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def failures_markdown(failures: tuple[Failure, ...]) -> str:
    """A Markdown table of failed expectations, critical first."""
    if not failures:
        return "No failed expectations."
    rows = [
        "| expectation | column | severity | observed / unexpected | examples |",
        "|---|---|---|---|---|",
    ]
    for f in failures:
        cells = (f.expectation, f.column or "(table)", f.severity, f.summary, ", ".join(f.examples))
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
