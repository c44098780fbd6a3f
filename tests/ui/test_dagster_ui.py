"""The Dagster UI in a real browser: `dagster dev` on loopback, driven by headless Chromium.

Materializes every asset from the asset graph's "Materialize all" button, waits for the run to
succeed, then opens a mart's metadata and checks. Screenshots go to data/ui-screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from orchestration.settings import PROJECT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path(os.environ.get("NEWSLEDGER_CHROMIUM", "/usr/bin/chromium"))
# Without the networking flags Chromium keeps calling Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = PROJECT_ROOT / "data" / "ui-screenshots"
SERVER_START_SECONDS = 180
RUN_SECONDS = 900


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"dagster dev exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"dagster dev did not serve {url} in {SERVER_START_SECONDS}s")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("ui")
    shutil.copytree(PROJECT_ROOT / "seeds", root / "inbox")
    (root / "dagster_home").mkdir()
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", root / "dagster_home")
    return root


@pytest.fixture(scope="module")
def webserver(workspace: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(workspace / "dagster_home"),
        "NEWSLEDGER_INBOX": str(workspace / "inbox"),
        "NEWSLEDGER_WAREHOUSE": str(workspace / "warehouse.duckdb"),
        "NEWSLEDGER_AUTOMATION": "off",  # the only run is the one the test launches
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    log = workspace / "dagster_dev.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("dagster")),
                "dev",
                "-m",
                "orchestration.definitions",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # one process group: the webserver, daemon and code servers
        )
    try:
        wait_until_serving(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 1500, "height": 950})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(scope="module")
def materialized_run(webserver: str, page, workspace: Path, instance_kept_in) -> dg.DagsterRun:
    page.goto(f"{webserver}/asset-groups")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):  # the first visit's newsletter prompt, if shown
        page.get_by_role("button", name="Skip").click(timeout=15_000)
    for group in ("ingest", "nlp", "warehouse", "docs"):
        page.get_by_text(group, exact=True).first.wait_for()
    screenshot(page, "1_asset_graph")
    page.get_by_role("button", name="Materialize all").click()

    deadline = time.monotonic() + RUN_SECONDS
    run = None
    with instance_kept_in(workspace / "dagster_home") as instance:
        while time.monotonic() < deadline:
            runs = instance.get_runs(limit=1)
            run = runs[0] if runs else None
            if run is not None and run.is_finished:
                break
            time.sleep(3)
    assert run is not None, "Materialize all launched no run"
    assert run.is_finished, f"run {run.run_id} still {run.status} after {RUN_SECONDS}s"

    page.goto(f"{webserver}/runs/{run.run_id}")
    page.get_by_text("Success", exact=True).first.wait_for()
    screenshot(page, "2_run_succeeded")
    return run


def test_materialize_all_succeeds_from_the_asset_graph(materialized_run, workspace) -> None:
    assert materialized_run.status == dg.DagsterRunStatus.SUCCESS
    assert (workspace / "warehouse.duckdb").is_file()


def test_a_marts_metadata_previews_its_rows_and_links_the_docs(
    materialized_run, webserver: str, page
) -> None:
    page.goto(f"{webserver}/assets/marts/claims")
    for shown in ("Row count", "preview", "top speakers", "dbt_docs", "data_docs"):
        page.get_by_text(shown, exact=True).first.wait_for()
    page.get_by_text("top speakers", exact=True).first.scroll_into_view_if_needed()
    screenshot(page, "3_claims_metadata")


def test_a_marts_checks_show_the_great_expectations_suite_passed(
    materialized_run, webserver: str, page
) -> None:
    page.goto(f"{webserver}/assets/marts/claims?view=checks")
    page.get_by_text("great_expectations", exact=True).first.click()
    page.get_by_text("Passed", exact=True).first.wait_for()
    screenshot(page, "4_claims_checks")
    failures = page.get_by_role("row").filter(has_text="failures")
    failures.get_by_text("Show Markdown").click()
    page.get_by_text("No failed expectations.").first.wait_for()


def test_the_report_pictures_are_in_its_metadata(materialized_run, webserver: str, page) -> None:
    page.goto(f"{webserver}/assets/docs/report")
    row = page.get_by_role("row").filter(has_text="actor_network")
    row.get_by_text("Show Markdown").click()
    page.get_by_role("img", name="Actor network").first.wait_for()
    page.wait_for_timeout(1000)  # the dialog fades in
    screenshot(page, "5_report_actor_network")
