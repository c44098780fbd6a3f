"""Test session set-up shared by every test folder."""

from __future__ import annotations


def pytest_sessionstart(session) -> None:
    # The dbt assets read target/manifest.json when their module is imported, which happens
    # during collection: a session fixture would run too late.
    from orchestration.project import prepare_dbt_manifest

    prepare_dbt_manifest()
