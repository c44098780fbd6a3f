"""What analysts read besides SQL: dbt docs, Great Expectations Data Docs and the report,
all under one docs folder (NEWSLEDGER_DOCS, by default docs/ beside the warehouse)."""

import html
import json
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.apart import run_each_apart
from orchestration.assets import POOL, PUBLISHED
from orchestration.project import (
    dbt_project_digest,
    export_dbt_environment,
    made_from,
    reuse_dbt_build,
    run_dbt,
    write_whole,
)
from orchestration.queries import load_query, markdown_table, run_query
from orchestration.report import Picture, report_html
from orchestration.warehouse import Warehouse

REPORT_TABLES = ("figures_that_disagree", "who_said_what_about_north_korean_troops", "top_speakers")
# The report's parts in the page's order. Each is drawn in a forked child of its own, two at a
# time and the slowest first (DRAWING_ORDER): the page waits for its slowest part rather than
# for every part in turn.
REPORT_PARTS = ("actor_network", "event_timeline", "disagreeing_figures", "tables")
DRAWING_ORDER = ("disagreeing_figures", "event_timeline", "actor_network", "tables")
REPORT_DRAWERS = 2


class DocsSite(dg.ConfigurableResource):
    """The docs folder: dbt/, gx/, report/ and an index.html linking them."""

    path: str

    @property
    def folder(self) -> Path:
        return Path(self.path)

    @property
    def dbt_index(self) -> Path:
        return self.folder / "dbt" / "index.html"

    @property
    def gx_index(self) -> Path:
        return self.folder / "gx" / "index.html"

    @property
    def report_index(self) -> Path:
        return self.folder / "report" / "index.html"

    @property
    def index(self) -> Path:
        return self.folder / "index.html"

    def dbt_model_url(self, name: str) -> str:
        return f"{self.dbt_index.as_uri()}#!/model/model.newsledger.{name}"

    def save_validation(self, table: str, result: dict) -> None:
        """Keep a table's latest GX result for the Data Docs (written whole, then renamed)."""
        folder = self.folder / "validations"
        folder.mkdir(parents=True, exist_ok=True)
        write_whole(folder / f"{table}.json", json.dumps(result).encode("utf-8"))

    def validations(self) -> dict[str, dict]:
        folder = self.folder / "validations"
        return {
            path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.glob("*.json"))
        }


DATA_DOCS = dg.AssetKey(["docs", "data_docs"])
REPORT = dg.AssetKey(["docs", "report"])


@dataclass(frozen=True)
class ReportPage:
    """The report as drawn: its pictures, and its tables as HTML (the page) and Markdown (the
    asset's metadata)."""

    pictures: list[Picture]
    tables: list[tuple[str, str, str]]  # (title, HTML, Markdown)

    @classmethod
    def joined(cls, parts: dict[str, "ReportPage"]) -> "ReportPage":
        """The page of the `REPORT_PARTS` drawn apart, in the page's order."""
        ordered = [parts[name] for name in REPORT_PARTS]
        return cls(
            [picture for part in ordered for picture in part.pictures],
            [table for part in ordered for table in part.tables],
        )


@dg.multi_asset(
    name="docs",
    specs=[
        dg.AssetSpec(
            DATA_DOCS,
            deps=[PUBLISHED],
            description="dbt docs (models, columns, lineage, tests) and Great Expectations "
            "Data Docs (every suite and its latest validation), rebuilt after each refresh.",
            group_name="docs",
            kinds={"dbt", "html"},
        ),
        dg.AssetSpec(
            REPORT,
            deps=[PUBLISHED],
            description="Pictures of the published warehouse: the actor network, a timeline of "
            "events by type and the figures sources disagree on, as PNGs and one "
            "self-contained HTML page.",
            group_name="docs",
            kinds={"python", "html"},
        ),
    ],
    can_subset=True,
    pool=POOL,
)
def docs_pages(context: dg.AssetExecutionContext, warehouse: Warehouse, docs: DocsSite):
    """Draws the report's parts in forked children (`run_each_apart`) while this process writes
    the dbt docs and has the Data Docs written (by a child of the validating server): one waits
    for the other no longer than the slower of the two. Docs written are reported before the
    error of a report that could not be drawn."""
    selected = context.selected_asset_keys
    written: list[dg.MaterializeResult] = []

    def write_docs() -> None:
        if DATA_DOCS in selected:
            written.append(data_docs(context, warehouse, docs))

    page, failure = None, None
    if REPORT in selected:
        try:
            drawn = run_each_apart(
                [
                    lambda _, part=part: draw_report(warehouse.published_path, part)
                    for part in DRAWING_ORDER
                ],
                at_once=REPORT_DRAWERS,
                meanwhile=write_docs,
            )
            page = ReportPage.joined(dict(zip(DRAWING_ORDER, drawn, strict=True)))
        except Exception as error:
            failure = error
    else:
        write_docs()
    if page is not None:
        written.append(write_report(context, page, docs))
    write_docs_index(docs)
    yield from written
    if failure is not None:
        raise failure


def data_docs(
    context: dg.AssetExecutionContext, warehouse: Warehouse, docs: DocsSite
) -> dg.MaterializeResult:
    from orchestration.validating import write_data_docs

    export_dbt_environment(warehouse.path, warehouse.memory_limit)
    generated_for = docs.dbt_index.with_name(".generated_for")
    fingerprint = dbt_docs_fingerprint(warehouse)
    if made_from(docs.dbt_index, generated_for, fingerprint):
        context.log.info(f"dbt docs: {docs.dbt_index} (the project and the columns are unchanged)")
    else:
        generated = Path(warehouse.path).parent / "dbt_docs"
        built = reuse_dbt_build(warehouse.path, generated)
        run_dbt(
            ["docs", "generate", "--static", *(["--no-compile"] if built else [])],
            target_path=generated,
        )
        docs.dbt_index.parent.mkdir(parents=True, exist_ok=True)
        write_whole(docs.dbt_index, (generated / "static_index.html").read_bytes())
        write_whole(generated_for, fingerprint.encode())
        context.log.info(f"dbt docs: {docs.dbt_index}")

    validations = docs.validations()
    write_data_docs(validations, docs.gx_index.parent, run_name=f"refresh {context.run_id[:8]}")
    context.log.info(f"Great Expectations Data Docs ({len(validations)} tables): {docs.gx_index}")
    return dg.MaterializeResult(
        asset_key=DATA_DOCS,
        metadata={
            "docs": dg.MetadataValue.url(docs.index.as_uri()),
            "dbt_docs": dg.MetadataValue.url(docs.dbt_index.as_uri()),
            "great_expectations_data_docs": dg.MetadataValue.url(docs.gx_index.as_uri()),
            "validated_tables": len(validations),
        },
    )


def draw_report(published_path: str, part: str) -> ReportPage:
    """One of the `REPORT_PARTS`: a picture, or the tables."""
    from orchestration import report as pictures

    # The published copy: read-only, the same rows analysts query.
    with duckdb.connect(published_path, read_only=True) as conn:
        if part == "tables":
            tables = [(q.title, run_query(conn, q)) for q in map(load_query, REPORT_TABLES)]
            return ReportPage(
                [],
                [
                    (title, frame.head(50).to_html(index=False, na_rep=""), markdown_table(frame))
                    for title, frame in tables
                ],
            )
        if part == "actor_network":
            actor_links, actors = conn.table("marts.actor_links"), conn.table("marts.actors")
            return ReportPage([pictures.actor_network(actor_links.df(), actors.df())], [])
        if part == "event_timeline":
            events = run_query(conn, load_query("events_by_type_and_date"))
            return ReportPage([pictures.event_timeline(events)], [])
        if part == "disagreeing_figures":
            figures = conn.table("marts.figures").df()
            claims = conn.table("marts.figure_claims").select(
                "figure_id, value, high, source_name, claimed_on"
            ).df()  # what the picture draws: not the claims' sentences
            return ReportPage([pictures.disagreeing_figures(figures, claims)], [])
    raise ValueError(f"no report part {part!r}: the parts are {', '.join(REPORT_PARTS)}")


def write_report(
    context: dg.AssetExecutionContext, page: ReportPage, docs: DocsSite
) -> dg.MaterializeResult:
    html_page = report_html(
        page.pictures,
        [(title, table_html) for title, table_html, _ in page.tables],
        title="newsledger report",
    )
    folder = docs.report_index.parent
    folder.mkdir(parents=True, exist_ok=True)
    for picture in page.pictures:
        write_whole(folder / f"{picture.name}.png", picture.png)
    write_whole(docs.report_index, html_page.encode("utf-8"))
    context.log.info(f"report: {docs.report_index}")
    return dg.MaterializeResult(
        asset_key=REPORT,
        metadata={
            "report": dg.MetadataValue.url(docs.report_index.as_uri()),
            **{
                picture.name: dg.MetadataValue.md(
                    f"![{picture.title}]({picture.data_uri()})\n\n{picture.caption}"
                )
                for picture in page.pictures
            },
            **{
                title.lower().replace(" ", "_"): dg.MetadataValue.md(table_markdown)
                for title, _, table_markdown in page.tables
            },
        },
    )


def dbt_docs_fingerprint(warehouse: Warehouse) -> str:
    """What the dbt docs are made of: the dbt project and settings, the build database (compiled
    SQL names it) and its tables' columns (the catalog). Row counts are not in them, so a refresh
    that only adds rows leaves them as they are."""
    with warehouse.connect(read_only=True) as conn:
        columns = conn.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns order by all"
        ).fetchall()
    return dbt_project_digest(warehouse.path, repr(columns))


def write_docs_index(docs: DocsSite) -> None:
    """The docs folder's front page: a link to each part that exists."""
    parts = [
        (docs.report_index, "Report", "actor network, timeline of events, disagreeing figures"),
        (docs.dbt_index, "dbt docs", "every model and column, lineage, tests"),
        (docs.gx_index, "Great Expectations Data Docs", "every suite and its latest validation"),
    ]
    items = "".join(
        f"<li><a href='{path.relative_to(docs.folder).as_posix()}'>{html.escape(name)}</a>: "
        f"{html.escape(what)}</li>"
        for path, name, what in parts
        if path.exists()
    )
    docs.folder.mkdir(parents=True, exist_ok=True)
    write_whole(
        docs.index,
        (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>newsledger docs</title></head><body style='font-family:system-ui,sans-serif'>"
            f"<h1>newsledger docs</h1><ul>{items}</ul></body></html>"
        ).encode(),
    )
