"""Dagster wiring: thin assets over `extract/`, dbt and the GX suites in `expectations/`."""
