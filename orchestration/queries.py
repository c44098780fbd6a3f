"""The example queries of `queries/`: loaded, run against a warehouse, shown as Markdown.

Each file holds one DuckDB query after two or more `--` comment lines: the first is its title,
the rest say what it answers. The README, the marts' metadata and the report show their results.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.settings import PROJECT_ROOT

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

QUERIES_DIR = PROJECT_ROOT / "queries"
MAX_CELL_CHARS = 80


@dataclass(frozen=True)
class Query:
    name: str  # file name without .sql
    title: str
    description: str
    sql: str  # the whole file, comments included


def load_query(name: str, folder: Path = QUERIES_DIR) -> Query:
    path = folder / f"{name}.sql"
    text = path.read_text(encoding="utf-8")
    comments = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        comments.append(line.removeprefix("--").strip())
    if len(comments) < 2:
        raise ValueError(f"{path}: start with a '-- title' line and a '-- description' line")
    return Query(name=name, title=comments[0], description=" ".join(comments[1:]), sql=text)


def all_queries(folder: Path = QUERIES_DIR) -> list[Query]:
    return [load_query(path.stem, folder) for path in sorted(folder.glob("*.sql"))]


def run_query(conn: duckdb.DuckDBPyConnection, query: Query) -> pd.DataFrame:
    return conn.execute(query.sql).df()


def markdown_table(frame: pd.DataFrame, max_rows: int = 10) -> str:
    """A Markdown table of the first `max_rows` rows; long cells are shortened."""
    if frame.empty:
        return "(no rows)"
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rows = [header, "|" + "---|" * len(frame.columns)]
    for values in frame.head(max_rows).itertuples(index=False):
        rows.append("| " + " | ".join(_cell(v) for v in values) + " |")
    if len(frame) > max_rows:
        rows.append(f"\n{len(frame) - max_rows} more rows")
    return "\n".join(rows)


def _cell(value: object) -> str:
    import numpy as np
    import pandas as pd

    if isinstance(value, list | tuple | np.ndarray):  # a list column; DuckDB's are numpy arrays
        text = _list_text(value)
    elif value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        text = ""
    elif isinstance(value, float | np.floating) and float(value).is_integer():
        text = f"{int(value):,}"  # counts arrive as floats where a column holds nulls
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    else:
        text = str(value)
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _list_text(values) -> str:
    """The cells of a list's items joined by "; ", as many as a shortened cell shows: a list of a
    figure's claims can hold thousands."""
    parts: list[str] = []
    length = 0
    for item in values:
        if length > MAX_CELL_CHARS:
            break
        part = _cell(item)
        length += len(part) + (len("; ") if parts else 0)
        parts.append(part)
    return "; ".join(parts)


def queries_markdown(conn: duckdb.DuckDBPyConnection, max_rows: int = 8) -> str:
    """Every example query with what it answers, its SQL and its answer."""
    sections = []
    for query in all_queries():
        body = query.sql.strip()
        answer = markdown_table(run_query(conn, query), max_rows)
        sections.append(
            f"**{query.title}** (`queries/{query.name}.sql`)\n\n```sql\n{body}\n```\n\n{answer}"
        )
    return "\n\n".join(sections)


def main() -> None:
    """`python -m orchestration.queries [WAREHOUSE]`: every example query answered, as Markdown."""
    import sys

    import duckdb

    from orchestration.settings import Settings

    path = sys.argv[1] if len(sys.argv) > 1 else str(Settings.from_env().warehouse)
    with duckdb.connect(path, read_only=True) as conn:
        print(queries_markdown(conn))


if __name__ == "__main__":
    main()
