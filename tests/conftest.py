"""Test session set-up shared by every test folder."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

import pytest

if TYPE_CHECKING:
    import dagster as dg


def pytest_sessionstart(session) -> None:
    # The dbt assets read target/manifest.json when their module is imported, which happens
    # during collection: a session fixture would run too late.
    from orchestration.project import prepare_dbt_manifest

    prepare_dbt_manifest()


@contextlib.contextmanager
def _instance_kept_in(home: Path) -> Iterator[dg.DagsterInstance]:
    # The project's dagster.yaml finds the event logs through DAGSTER_HOME, which names the
    # project's own home while the tests run under `make test`.
    import dagster as dg

    with (
        mock.patch.dict(os.environ, {"DAGSTER_HOME": str(home)}),
        dg.DagsterInstance.from_config(str(home)) as instance,
    ):
        yield instance


@pytest.fixture(scope="session")
def instance_kept_in() -> Callable[[Path], contextlib.AbstractContextManager]:
    """`instance_kept_in(home)`: a context holding the Dagster instance of the folder `home`,
    with the project's dagster.yaml."""
    return _instance_kept_in
