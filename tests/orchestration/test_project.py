"""dbt commands that make files (parse, docs) run with the dbt executable alone; the dbt
resource of the build skips what newsledger does not use."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from orchestration.project import (
    BUILD_DATABASE_ENV,
    DBT_EXECUTABLE,
    DBT_PROJECT,
    PARSED_PROJECT_FILE,
    PARTIAL_PARSE_FILE,
    WARM_DBT_EXECUTABLE,
    DbtCommandError,
    dbt_project_digest,
    dbt_resource,
    drop_parse_of_another_project,
    kept_dbt_parse,
    prepare_dbt_manifest,
    reuse_dbt_build,
    run_dbt,
)


def test_the_dbt_resource_knows_the_version_the_dbt_executable_reports() -> None:
    reported = subprocess.run(
        [DBT_EXECUTABLE, "--version"], capture_output=True, text=True, check=True
    ).stdout
    core = re.search(r"installed:\s*(\d+\.\d+\.\d+)", reported)
    assert core is not None, reported
    resource = dbt_resource()
    assert str(resource._cli_version) == core.group(1)
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_a_parse_writes_the_manifest_into_the_target_path(tmp_path: Path) -> None:
    run_dbt(["parse", "--quiet"], target_path=tmp_path)
    nodes = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    assert "model.newsledger.claims" in nodes


def test_a_kept_parse_is_dropped_once_the_project_is_elsewhere(tmp_path: Path) -> None:
    run_dbt(["parse", "--quiet"], target_path=tmp_path)
    parse = tmp_path / PARTIAL_PARSE_FILE
    assert parse.is_file()
    drop_parse_of_another_project(tmp_path)
    assert not parse.exists(), "a parse no stamp vouches for is dropped"
    run_dbt(["parse", "--quiet"], target_path=tmp_path)
    drop_parse_of_another_project(tmp_path)
    assert parse.is_file(), "the parse of this project is kept"
    (tmp_path / PARSED_PROJECT_FILE).write_text("/moved/dbt_project", encoding="utf-8")
    drop_parse_of_another_project(tmp_path)
    assert not parse.exists()


def test_a_failing_dbt_command_raises_with_what_dbt_said(tmp_path: Path) -> None:
    said = r"(?s)dbt parse --no-such-flag failed \(exit 2\):\n.*no-such-flag"
    with pytest.raises(DbtCommandError, match=said):
        run_dbt(["parse", "--no-such-flag"], target_path=tmp_path)


def test_the_manifest_is_parsed_again_only_when_the_project_settings_change(monkeypatch) -> None:
    manifest = Path(DBT_PROJECT.manifest_path)
    prepare_dbt_manifest()
    parsed = manifest.stat().st_mtime_ns
    prepare_dbt_manifest()
    assert manifest.stat().st_mtime_ns == parsed
    monkeypatch.setenv("NEWSLEDGER_INBOX", "/elsewhere")  # a setting dbt does not read
    prepare_dbt_manifest()
    assert manifest.stat().st_mtime_ns == parsed
    monkeypatch.setenv("NEWSLEDGER_DBT_TARGET", "local")  # read by profiles.yml
    prepare_dbt_manifest()
    assert manifest.stat().st_mtime_ns != parsed


def _parse_again(
    target_path: Path, build_database: Path, executable: Path | str = WARM_DBT_EXECUTABLE
) -> str:
    """What `executable` (newsledger's dbt by default) says when it parses the project into
    `target_path` for `build_database`."""
    return subprocess.run(
        [executable, "--debug", "parse", "--project-dir", str(DBT_PROJECT.project_dir),
         "--profiles-dir", str(DBT_PROJECT.profiles_dir), "--target-path", str(target_path)],
        capture_output=True, text=True, check=True,
        env={**os.environ, BUILD_DATABASE_ENV: str(build_database)},
    ).stdout  # fmt: skip


def test_a_refresh_parses_the_project_once_for_the_manifest_and_its_build(tmp_path: Path) -> None:
    build_database = tmp_path / "warehouse.build" / "newsledger.duckdb"
    parsed_for = Path(DBT_PROJECT.manifest_path).with_name(".parsed_for")
    parsed_for.write_text("a project as it was before", encoding="utf-8")
    prepare_dbt_manifest(str(build_database))
    assert parsed_for.read_text(encoding="utf-8") == dbt_project_digest()
    nodes = json.loads(Path(DBT_PROJECT.manifest_path).read_text(encoding="utf-8"))["nodes"]
    assert "model.newsledger.claims" in nodes
    # the build's dbt, under the build's profile settings, finds the parse it can reuse
    said = _parse_again(kept_dbt_parse(str(build_database)), build_database)
    assert "no changes found, skipping parsing" in said, said


def test_the_first_build_of_another_warehouse_reuses_the_parse_of_the_checkout(
    tmp_path: Path,
) -> None:
    prepare_dbt_manifest(str(tmp_path / "first.build" / "newsledger.duckdb"))
    another = tmp_path / "another.build" / "newsledger.duckdb"
    kept = kept_dbt_parse(str(another))
    checkout_parse = Path(DBT_PROJECT.manifest_path).with_name(PARTIAL_PARSE_FILE)
    assert (kept / PARTIAL_PARSE_FILE).read_bytes() == checkout_parse.read_bytes()
    said = _parse_again(kept, another)
    assert "no changes found, skipping parsing" in said, said
    # plain dbt compares the database's path too, and parses the whole project again
    copied = tmp_path / "plain"
    copied.mkdir()
    (copied / PARTIAL_PARSE_FILE).write_bytes(checkout_parse.read_bytes())
    plain = _parse_again(copied, another, executable=DBT_EXECUTABLE)
    assert "profile has changed" in plain, plain


def test_a_parse_that_fails_for_a_build_leaves_the_manifest_to_be_parsed_again(
    tmp_path: Path, monkeypatch
) -> None:
    parsed_for = Path(DBT_PROJECT.manifest_path).with_name(".parsed_for")
    current = parsed_for.read_text(encoding="utf-8")
    parse = (Path(DBT_PROJECT.manifest_path).with_name(PARTIAL_PARSE_FILE)).read_bytes()
    parsed_for.write_text("a project as it was before", encoding="utf-8")
    monkeypatch.setenv("NEWSLEDGER_DBT_TARGET", "no_such_target")
    try:
        with pytest.raises(DbtCommandError, match="no_such_target"):
            prepare_dbt_manifest(str(tmp_path / "newsledger.duckdb"))
        assert parsed_for.read_text(encoding="utf-8") == "a project as it was before"
        assert (Path(DBT_PROJECT.manifest_path).with_name(PARTIAL_PARSE_FILE)).read_bytes() == parse
    finally:
        parsed_for.write_text(current, encoding="utf-8")  # the manifest itself is untouched


def test_docs_reuse_the_manifest_of_a_build_only_when_it_compiled_everything(tmp_path: Path):
    build_database = tmp_path / "build.duckdb"
    kept = tmp_path / "dbt_target"
    kept.mkdir()
    docs_target = tmp_path / "dbt_docs"

    def keep_manifest(claims_compiled: bool) -> None:
        nodes = {
            "model.newsledger.claims": {"resource_type": "model", "compiled": claims_compiled},
            "test.newsledger.unique_claims": {"resource_type": "test", "compiled": True},
            "seed.newsledger.countries": {"resource_type": "seed"},
        }
        (kept / "manifest.json").write_text(json.dumps({"nodes": nodes}), encoding="utf-8")

    assert not reuse_dbt_build(str(build_database), docs_target), "no build yet"
    keep_manifest(claims_compiled=False)  # a build of a subset picked in the UI
    assert not reuse_dbt_build(str(build_database), docs_target)
    assert not (docs_target / "manifest.json").exists()
    keep_manifest(claims_compiled=True)
    assert reuse_dbt_build(str(build_database), docs_target)
    assert (docs_target / "manifest.json").read_bytes() == (kept / "manifest.json").read_bytes()
