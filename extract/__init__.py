"""Pure extraction: files in, records out. No Dagster, no database."""
