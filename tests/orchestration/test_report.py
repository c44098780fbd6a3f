"""The report's pictures and page, drawn from small frames of mart rows."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from orchestration import report

PNG = b"\x89PNG\r\n\x1a\n"


def actors() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "actor_id": ["a", "b", "c"],
            "name": ["Ana Ortiz", "Northland", "Harbour Authority"],
            "actor_type": ["person", "country", "organization"],
            "n_mentions": [4, 9, 1],
        }
    )


def links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "relation": ["mentioned_with", "mentioned_with", "claims_about"],
            "actor_id": ["a", "b", "a"],
            "other_actor_id": ["b", "c", "b"],
            "n_times": [3, 1, 2],
        }
    )


def test_the_network_draws_every_linked_actor() -> None:
    picture = report.actor_network(links(), actors())
    assert picture.png.startswith(PNG)
    assert "3 most linked actors and their 3 strongest links" in picture.caption


def test_the_network_keeps_only_the_most_linked_actors() -> None:
    many = pd.DataFrame(
        {
            "relation": "mentioned_with",
            "actor_id": [f"x{i:02}" for i in range(40)],
            "other_actor_id": [f"y{i:02}" for i in range(40)],
            "n_times": range(1, 41),
        }
    )
    picture = report.actor_network(many, actors())
    assert f"{report.MAX_NETWORK_ACTORS} most linked actors" in picture.caption


def test_no_links_says_so_instead_of_failing() -> None:
    picture = report.actor_network(links().iloc[0:0], actors())
    assert picture.png.startswith(PNG)
    assert "The 0 most linked actors" in picture.caption


def test_the_timeline_counts_the_undated_mentions_it_leaves_out() -> None:
    events = pd.DataFrame(
        {
            "day": [pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-04"), pd.NaT],
            "event_type": ["battle", "interception", "battle"],
            "mentions": [2, 1, 5],
        }
    )
    picture = report.event_timeline(events)
    assert picture.png.startswith(PNG)
    assert "5 mentions have neither" in picture.caption


def test_the_timeline_of_nothing_is_still_a_picture() -> None:
    empty = pd.DataFrame({"day": pd.Series([], dtype="datetime64[ns]"), "event_type": [],
                          "mentions": []})
    assert report.event_timeline(empty).png.startswith(PNG)


def test_disagreeing_figures_draw_points_ranges_and_missing_dates() -> None:
    figures = pd.DataFrame(
        {
            "figure_id": ["f1", "f2"],
            "subject": ["Northland", "Southland"],
            "measure": ["troops", "drones"],
            "low": [2_000.0, 5.0],
            "best": [4_000.0, 5.0],
            "high": [6_000.0, 5.0],
            "disagreement": [True, False],
        }
    )
    claims = pd.DataFrame(
        {
            "figure_id": ["f1", "f1", "f2"],
            "value": [2_000.0, 4_000.0, 5.0],
            "high": [None, 6_000.0, None],
            "source_name": ["Ana Ortiz", None, "x"],
            "claimed_on": pd.to_datetime([dt.date(2025, 3, 1), None, None]),
        }
    )
    picture = report.disagreeing_figures(figures, claims)
    assert picture.png.startswith(PNG)
    assert report.disagreeing_figures(figures.iloc[1:], claims).png.startswith(PNG)


def test_a_disagreeing_figure_is_drawn_with_its_own_claims(monkeypatch) -> None:
    figures = pd.DataFrame(
        {"figure_id": ["f1", "f2"], "subject": ["Northland", "Southland"],
         "measure": ["troops", "troops"], "low": [1.0, 10.0], "best": [2.0, 20.0],
         "high": [3.0, 30.0], "disagreement": [True, True]}
    )
    claims = pd.DataFrame(
        {"figure_id": ["f2", "f1", "f2"], "value": [10.0, 1.0, 30.0], "high": [None] * 3,
         "source_name": ["b", "a", "c"], "claimed_on": pd.to_datetime([None] * 3)}
    )
    drawn = []
    monkeypatch.setattr(
        report, "_figure_panel", lambda axes, row, shown, hidden: drawn.append(
            (row.subject, [(c.source, c.value) for c in shown])
        )
    )
    report.disagreeing_figures(figures, claims)
    assert drawn == [("Northland", [("a", 1.0)]), ("Southland", [("b", 10.0), ("c", 30.0)])]


def test_the_page_inlines_its_pictures_and_escapes_text() -> None:
    picture = report.actor_network(links(), actors())
    page = report.report_html(
        [picture], [("<Sources> & more", "<table><tr><td>1</td></tr></table>")], title="A & B"
    )
    assert page.count("data:image/png;base64,") == 1
    assert "<title>A &amp; B</title>" in page
    assert "&lt;Sources&gt; &amp; more" in page
    assert not re.search(r"src=['\"]?https?:", page)


def test_a_figure_claimed_thousands_of_times_shows_its_distinct_values() -> None:
    claims = [
        {"value": float(1000 * (i % 15 + 1)), "high": None, "source_name": f"source {i % 15}",
         "claimed_on": dt.date(2025, 3, 1 + i % 20)}
        for i in range(3000)
    ]
    shown, hidden = report.distinct_claims(claims)
    assert len(shown) == report.MAX_CLAIMS_SHOWN and hidden == 15 - report.MAX_CLAIMS_SHOWN
    assert all(claimed.times == 200 for claimed in shown)
    assert [c.value for c in shown] == sorted(c.value for c in shown)
    figures = pd.DataFrame(
        {"figure_id": ["f1"], "subject": ["Northland"], "measure": ["troops"], "low": [1000.0],
         "best": [8000.0], "high": [15000.0], "disagreement": [True]}
    )
    picture = report.disagreeing_figures(figures, pd.DataFrame(claims).assign(figure_id="f1"))
    assert picture.png.startswith(PNG) and len(picture.png) < 200_000


def test_repeated_claims_of_one_value_by_one_source_are_counted_once() -> None:
    same = {"value": 10.0, "high": 12.0, "source_name": None, "claimed_on": None}
    shown, hidden = report.distinct_claims([same, dict(same), {**same, "high": float("nan")}])
    assert hidden == 0
    assert [(c.source, c.value, c.high, c.times) for c in shown] == [
        ("unattributed", 10.0, None, 1),
        ("unattributed", 10.0, 12.0, 2),
    ]
