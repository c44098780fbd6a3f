"""The warehouse report: an actor network, a timeline of events and the figures sources disagree
on, drawn to PNG and gathered in one self-contained HTML page.

Pure functions of DataFrames read from the marts; the asset in `orchestration.docs` feeds them.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

# What drawing imports, about half a second's worth: `orchestration.dbt` imports it while dbt
# builds the marts the report reads.
LIBRARIES = ("matplotlib.figure", "matplotlib.backends.backend_agg", "networkx")
ACTOR_COLOURS = {
    "person": "#4c72b0",
    "organization": "#dd8452",
    "country": "#55a868",
    "group": "#c44e52",
}
MENTIONED_WITH_COLOUR = "#b0b0b0"
CLAIMS_ABOUT_COLOUR = "#8172b3"
MAX_NETWORK_ACTORS = 20
MAX_NETWORK_LINKS = 60
MAX_FIGURES = 8
MAX_CLAIMS_SHOWN = 12  # per figure: the distinct (source, value) pairs stated most often


@dataclass(frozen=True)
class Picture:
    name: str  # file stem
    title: str
    caption: str
    png: bytes

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def actor_network(links: pd.DataFrame, actors: pd.DataFrame) -> Picture:
    """Actors as nodes (size: mentions, colour: type); grey lines join actors named in one
    sentence, arrows point from a speaker to the actors their claims name."""
    import networkx as nx

    strength = (
        links.groupby("actor_id")["n_times"]
        .sum()
        .add(links.groupby("other_actor_id")["n_times"].sum(), fill_value=0)
    ).sort_values(ascending=False, kind="stable")
    kept = set(strength.index[:MAX_NETWORK_ACTORS])
    shown = links[links["actor_id"].isin(kept) & links["other_actor_id"].isin(kept)]
    shown = shown.sort_values("n_times", ascending=False, kind="stable").head(MAX_NETWORK_LINKS)
    by_id = actors.set_index("actor_id")
    graph = nx.DiGraph()
    for actor_id in sorted(kept):
        graph.add_node(actor_id)
    for link in shown.itertuples(index=False):
        weight = graph.get_edge_data(link.actor_id, link.other_actor_id, {}).get("weight", 0)
        graph.add_edge(link.actor_id, link.other_actor_id, weight=weight + link.n_times)

    figure = _figure(11, 8)
    axes = figure.add_subplot()
    axes.set_axis_off()
    if not graph.number_of_nodes():
        _say(axes, "No actor is linked to another yet.")
    else:
        layout = nx.spring_layout(graph.to_undirected(), weight="weight", seed=7, k=1.6)
        for relation, colour, arrows in (
            ("mentioned_with", MENTIONED_WITH_COLOUR, False),
            ("claims_about", CLAIMS_ABOUT_COLOUR, True),
        ):
            edges = shown[shown["relation"] == relation]
            nx.draw_networkx_edges(
                graph,
                layout,
                ax=axes,
                edgelist=list(zip(edges["actor_id"], edges["other_actor_id"], strict=True)),
                width=[0.6 + math.log2(n) for n in edges["n_times"]],
                edge_color=colour,
                arrows=arrows,
                **({"arrowsize": 12} if arrows else {}),
                alpha=0.8,
                node_size=_node_sizes(graph, by_id),
                connectionstyle="arc3,rad=0.08" if arrows else "arc3",
            )
        nx.draw_networkx_nodes(
            graph,
            layout,
            ax=axes,
            node_size=_node_sizes(graph, by_id),
            node_color=[
                ACTOR_COLOURS.get(_field(by_id, n, "actor_type"), "#999999") for n in graph
            ],
            edgecolors="white",
        )
        nx.draw_networkx_labels(
            graph,
            layout,
            ax=axes,
            labels={n: _field(by_id, n, "name") or n for n in graph},
            font_size=8,
        )
        _legend(axes)
    axes.set_title("Who is mentioned with whom, and who claims about whom")
    return Picture(
        "actor_network",
        "Actor network",
        f"The {len(kept)} most linked actors and their {len(shown)} strongest links. Grey: "
        "named in the same sentence (thicker: more often). Purple arrows: a speaker's claims "
        "name the actor they point to.",
        _png(figure),
    )


def event_timeline(events_by_day: pd.DataFrame) -> Picture:
    """One row per event type, a dot per day sized by how many mentions fall on it."""
    dated = events_by_day.dropna(subset=["day"])
    figure = _figure(11, 0.9 + 0.42 * max(dated["event_type"].nunique(), 3))
    axes = figure.add_subplot()
    if dated.empty:
        axes.set_axis_off()
        _say(axes, "No dated event yet.")
    else:
        types = sorted(dated["event_type"].unique(), reverse=True)
        rows = {event_type: i for i, event_type in enumerate(types)}
        axes.scatter(
            dated["day"],
            [rows[t] for t in dated["event_type"]],
            s=[30 + 25 * n for n in dated["mentions"]],
            color="#4c72b0",
            alpha=0.7,
        )
        axes.set_yticks(range(len(types)), types)
        axes.grid(axis="x", color="#eeeeee")
        figure.autofmt_xdate()
    axes.set_title("Events by type and date (dot size: mentions)")
    undated = int(events_by_day.loc[events_by_day["day"].isna(), "mentions"].sum())
    return Picture(
        "event_timeline",
        "Timeline of events",
        "Each event mention on its own date where the text gives one, else on its article's date"
        + (f"; {undated} mentions have neither and are left out." if undated else "."),
        _png(figure),
    )


def disagreeing_figures(figures: pd.DataFrame, claims: pd.DataFrame) -> Picture:
    """For each figure sources disagree on (`figures`, rows of marts.figures): every value
    claimed for it (`claims`, rows of marts.figure_claims; a bar for a range) by source, the
    low-high span in grey and the reconciled best value as a line."""
    disputed = figures[figures["disagreement"]].head(MAX_FIGURES)
    by_figure = {
        figure_id: rows.to_dict("records") for figure_id, rows in claims.groupby("figure_id")
    }
    panels = [distinct_claims(by_figure.get(figure_id, [])) for figure_id in disputed["figure_id"]]
    heights = [1.0 + 0.35 * len(shown) for shown, _ in panels]
    figure = _figure(11, max(sum(heights), 2.5))
    if disputed.empty:
        axes = figure.add_subplot()
        axes.set_axis_off()
        _say(axes, "No two sources disagree on a figure.")
    else:
        grid = figure.add_gridspec(len(disputed), 1, height_ratios=heights)
        for row, (figure_row, (shown, hidden)) in enumerate(
            zip(disputed.itertuples(index=False), panels, strict=True)
        ):
            _figure_panel(figure.add_subplot(grid[row]), figure_row, shown, hidden)
    return Picture(
        "disagreeing_figures",
        "Figures that disagree",
        "The values claimed for a figure, by source (×n: stated n times; the "
        f"{MAX_CLAIMS_SHOWN} most repeated per figure). Grey: the span from the lowest to the "
        "highest claim; black line: the reconciled best value (the median).",
        _png(figure),
    )


def report_html(pictures: list[Picture], tables: list[tuple[str, str]], *, title: str) -> str:
    """One HTML page with the pictures inline and (heading, HTML table) sections after them."""
    generated = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
        "padding:0 1em;color:#222}img{max-width:100%}table{border-collapse:collapse;"
        "font-size:0.9em}td,th{border:1px solid #ddd;padding:0.25em 0.5em;text-align:left;"
        "vertical-align:top}figcaption{color:#555}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>Generated {html.escape(generated)}.</p>",
    ]
    for picture in pictures:
        parts.append(
            f"<figure id='{picture.name}'><h2>{html.escape(picture.title)}</h2>"
            f"<img alt='{html.escape(picture.title)}' src='{picture.data_uri()}'>"
            f"<figcaption>{html.escape(picture.caption)}</figcaption></figure>"
        )
    for heading, table in tables:
        parts.append(f"<section><h2>{html.escape(heading)}</h2>{table}</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


@dataclass(frozen=True)
class ClaimedValue:
    source: str
    value: float
    high: float | None
    times: int  # claims stating it
    last_claimed_on: object  # a date, or None


def distinct_claims(claims) -> tuple[list[ClaimedValue], int]:
    """The figure's claims as distinct (source, value, high), the most repeated first, at most
    MAX_CLAIMS_SHOWN of them; and how many distinct ones are left out."""
    grouped: dict[tuple, list] = {}
    for claim in claims:
        high = claim["high"]
        high = None if high is None or _is_nan(high) or high <= claim["value"] else high
        source = claim["source_name"]  # None, or NaN in a frame's column of strings
        source = source if isinstance(source, str) and source else "unattributed"
        key = (source, claim["value"], high)
        grouped.setdefault(key, []).append(claim["claimed_on"])
    values = [
        ClaimedValue(
            source=source,
            value=value,
            high=high,
            times=len(dates),
            last_claimed_on=max((d for d in dates if _has_date(d)), default=None),
        )
        for (source, value, high), dates in grouped.items()
    ]
    values.sort(key=lambda v: (-v.times, v.value, v.source))
    shown = sorted(values[:MAX_CLAIMS_SHOWN], key=lambda v: (v.value, v.high or v.value, v.source))
    return shown, len(values) - len(shown)


def _figure_panel(axes, row, shown: list[ClaimedValue], hidden: int) -> None:
    axes.axvspan(row.low, row.high, color="#eeeeee")
    axes.axvline(row.best, color="black", linewidth=1)
    for i, claimed in enumerate(shown):
        if claimed.high is not None:
            axes.plot(
                [claimed.value, claimed.high],
                [i, i],
                color="#c44e52",
                linewidth=4,
                solid_capstyle="butt",
            )
        else:
            axes.plot([claimed.value], [i], "o", color="#c44e52")
    labels = [
        claimed.source
        + (f" ×{claimed.times}" if claimed.times > 1 else "")
        + (f" ({claimed.last_claimed_on:%Y-%m-%d})" if claimed.last_claimed_on else "")
        for claimed in shown
    ]
    axes.set_yticks(range(len(shown)), labels, fontsize=8)
    axes.set_ylim(-0.7, len(shown) - 0.3)
    more = f" ({hidden} more values not shown)" if hidden else ""
    axes.set_title(f"{row.subject}: {row.measure}{more}", fontsize=10, loc="left")
    axes.xaxis.set_major_formatter(_thousands())
    pad = (row.high - row.low) * 0.1 or abs(row.best) * 0.1 or 1
    axes.set_xlim(row.low - pad, row.high + pad)


def _node_sizes(graph, by_id: pd.DataFrame) -> list[float]:
    return [120 + 60 * math.sqrt(_field(by_id, n, "n_mentions") or 1) for n in graph]


def _field(by_id: pd.DataFrame, actor_id: str, column: str):
    return by_id.at[actor_id, column] if actor_id in by_id.index else None


def _legend(axes) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], marker="o", linestyle="", color=colour, label=actor_type)
        for actor_type, colour in ACTOR_COLOURS.items()
    ] + [
        Line2D([], [], color=MENTIONED_WITH_COLOUR, label="mentioned with"),
        Line2D([], [], color=CLAIMS_ABOUT_COLOUR, label="claims about"),
    ]
    axes.legend(handles=handles, loc="lower left", fontsize=8, frameon=False)


def _say(axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes)


def _thousands():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value:,.0f}")


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _has_date(value: object) -> bool:
    import pandas as pd

    return hasattr(value, "strftime") and not pd.isna(value)


def _figure(width: float, height: float) -> Figure:
    # The object-oriented API without pyplot: no global figure state, no display backend.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    return buffer.getvalue()
