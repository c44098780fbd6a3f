"""dbt's unit tests (`dbt_project/models/*/_*__unit_tests.yml`): the models' SQL on fixed rows.

A refresh leaves them out (`orchestration.dbt.BUILD_ARGS`); here they run against an empty
warehouse, whose models dbt builds with no rows first so that their columns are known.
"""

from __future__ import annotations

import pytest

from orchestration.dbt import BUILD_ARGS
from orchestration.settings import BUILD_DATABASE_NAME
from orchestration.warehouse import Warehouse

pytestmark = pytest.mark.slow


def test_the_dbt_unit_tests_pass_and_a_refresh_leaves_them_out(tmp_path, run_dbt) -> None:
    build_database = tmp_path / BUILD_DATABASE_NAME
    Warehouse(
        path=str(build_database), published_path=str(tmp_path / "published.duckdb")
    ).ensure_tables()
    built = run_dbt(
        build_database, "build", "--empty", "--exclude-resource-type", "test", "unit_test"
    )
    assert built.returncode == 0, built.stdout[-4000:]

    unit_tests = run_dbt(build_database, "test", "--select", "test_type:unit")

    assert unit_tests.returncode == 0, unit_tests.stdout[-4000:]
    assert "PASS=8 " in unit_tests.stdout, unit_tests.stdout[-2000:]

    def names(*args: str) -> set[str]:
        listed = run_dbt(build_database, "ls", *args, "--output", "name", "--quiet")
        return set(listed.stdout.split())

    unit_test_names = names("--resource-type", "unit_test")
    assert len(unit_test_names) == 8
    assert names() - names(*BUILD_ARGS[1:]) == unit_test_names
