"""Great Expectations suites for newsledger's tables, run as Dagster asset checks.

Pure Python: no Dagster, no DuckDB. The checks read a table, or its rows not validated before and
the key columns of all of them, into pandas DataFrames and call `validate_table`; GX itself is
imported only when a suite is built or run.
"""

from expectations.suites import CRITICAL, TABLES
from expectations.validation import (
    Failure,
    Validation,
    table_wide_columns,
    validate_table,
)

__all__ = [
    "CRITICAL",
    "TABLES",
    "Failure",
    "Validation",
    "table_wide_columns",
    "validate_table",
]
