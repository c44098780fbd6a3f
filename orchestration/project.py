"""The dbt project and the preparation of its manifest, which the dbt assets need at import."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version
from pydantic import PrivateAttr

from orchestration.settings import DBT_PROJECT_DIR, DEFAULT_DUCKDB_MEMORY_LIMIT
from orchestration.warm_dbt import SOCKET_ENV, WarmDbt

# dbt's profiles.yml reads the build database path and DuckDB's memory cap from these.
BUILD_DATABASE_ENV = "NEWSLEDGER_BUILD_DATABASE"
MEMORY_LIMIT_ENV = "NEWSLEDGER_DUCKDB_MEMORY_LIMIT"
DBT_TARGET_ENV = "NEWSLEDGER_DBT_TARGET"
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
_ENV_VAR = re.compile(r"""env_var\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")
# What dbt writes inside the project rather than reads.
_DBT_OUTPUT_FOLDERS = {"target", "logs", "dbt_packages"}
PARTIAL_PARSE_FILE = "partial_parse.msgpack"
MANIFEST_FILE = "manifest.json"
PARSED_PROJECT_FILE = ".parsed_project"
# The dbt installed beside this interpreter, so an unactivated virtual environment works too.
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))
# dbt, run by a process that imported it ahead (`orchestration.warm_dbt`).
WARM_DBT_EXECUTABLE = Path(sys.executable).with_name("newsledger-dbt")


def export_dbt_environment(build_database: str, memory_limit: str) -> None:
    """What the next dbt command reads through profiles.yml."""
    os.environ[BUILD_DATABASE_ENV] = build_database
    os.environ[MEMORY_LIMIT_ENV] = memory_limit


def dbt_target_path(build_database: str) -> Path:
    """One folder for the artifacts and log of every build of this build database, beside it.
    dbt keeps its parse of the project there, which the next build reuses while the project and
    the profile's settings are unchanged; one folder per build would parse it whole each time
    and pile up."""
    return Path(build_database).absolute().parent / "dbt_target"


def drop_parse_of_another_project(target_path: Path) -> None:
    """dbt's parse holds the project's absolute paths, and dbt reads the seed files from them:
    a parse kept from a project that has since moved, or from another checkout building the
    same warehouse, fails every seed. Such a parse is dropped, and dbt parses the project whole."""
    stamp = target_path / PARSED_PROJECT_FILE
    project = str(Path(DBT_PROJECT.project_dir).resolve())
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == project:
        return
    (target_path / PARTIAL_PARSE_FILE).unlink(missing_ok=True)
    target_path.mkdir(parents=True, exist_ok=True)
    stamp.write_text(project, encoding="utf-8")


def kept_dbt_parse(build_database: str) -> Path:
    """The folder where the builds of `build_database` keep dbt's artifacts and its parse. A
    warehouse with no parse there yet starts from the checkout's (`prepare_dbt_manifest`): the
    dbt newsledger runs reuses a parse whatever the build database's path
    (`warm_dbt.reuse_parses_across_build_databases`)."""
    kept = dbt_target_path(build_database)
    drop_parse_of_another_project(kept)
    if not (kept / PARTIAL_PARSE_FILE).exists():
        _copy_parse(_CHECKOUT_TARGET, kept)
    return kept


def _copy_parse(source: Path, destination: Path) -> None:
    """Copies the parse in folder `source`, if it has one of this project, into `destination`."""
    drop_parse_of_another_project(source)
    drop_parse_of_another_project(destination)
    if (source / PARTIAL_PARSE_FILE).exists():
        shutil.copyfile(source / PARTIAL_PARSE_FILE, destination / PARTIAL_PARSE_FILE)


def reuse_dbt_build(build_database: str, target_path: Path) -> bool:
    """Give a dbt command with its own `target_path` the parse the last build kept, and its
    manifest when that build compiled every model and test (a build of a subset selected in the
    UI did not): True then, and dbt docs can show that SQL without compiling it again."""
    kept = kept_dbt_parse(build_database)
    _copy_parse(kept, target_path)
    manifest = kept / MANIFEST_FILE
    if not manifest.exists():
        return False
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    if not all(n.get("compiled") for n in nodes if n["resource_type"] in ("model", "test")):
        return False
    shutil.copyfile(manifest, target_path / MANIFEST_FILE)
    return True


class QuickDbtCliResource(DbtCliResource):
    """`DbtCliResource` without two steps of `cli` newsledger has no use for, about 3 s per dbt
    build: running `dbt --version` in a subprocess (the dbt beside this interpreter is the
    installed dbt-core), and loading a dbt adapter in this process, which dagster-dbt needs only
    to fetch row counts and column metadata (the dbt assets add their own).

    With `newsledger-dbt` as its executable, it starts dbt when a run that will build starts,
    so that dbt's imports overlap the steps before the build (`orchestration.warm_dbt`), unless
    one started earlier still waits (`dbt_imported_ahead`)."""

    _warm: WarmDbt | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if Path(self.dbt_executable) != WARM_DBT_EXECUTABLE or _dbt_waiting():
            return
        try:
            self._warm = _start_warm_dbt()
        except OSError as error:  # say, a temporary folder too deep for a socket's path
            dg.get_dagster_logger().warning(f"dbt is not imported ahead of the build: {error}")
            return
        os.environ[SOCKET_ENV] = self._warm.socket_path

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._warm is not None:
            os.environ.pop(SOCKET_ENV, None)
            self._warm.stop()

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


def _start_warm_dbt() -> WarmDbt:
    return WarmDbt.start(_CHECKOUT_TARGET / PARTIAL_PARSE_FILE)


def _dbt_waiting() -> bool:
    """Whether a process that imported dbt waits for this process's next dbt command (its
    socket is gone once a command has taken it)."""
    socket_path = os.environ.get(SOCKET_ENV)
    return bool(socket_path) and os.path.exists(socket_path)


@contextmanager
def dbt_imported_ahead() -> Iterator[WarmDbt | None]:
    """A process that imports dbt now and waits for the next dbt command this process runs:
    the build of a run that starts later, whose dbt resource then starts none. What the runs
    before it do on one core (the inbox scan) leaves the other to dbt's imports. Yields that
    process, or None where none can start (the run's dbt resource then says why)."""
    if _dbt_executable() != str(WARM_DBT_EXECUTABLE):
        yield None
        return
    try:
        warm = _start_warm_dbt()
    except OSError:
        yield None
        return
    os.environ[SOCKET_ENV] = warm.socket_path
    try:
        yield warm
    finally:
        if os.environ.get(SOCKET_ENV) == warm.socket_path:
            del os.environ[SOCKET_ENV]
        warm.stop()


def dbt_profile_targets() -> list[str]:
    """The outputs of the project's dbt profile: the targets NEWSLEDGER_DBT_TARGET may name."""
    import yaml

    profiles = yaml.safe_load((Path(DBT_PROJECT.profiles_dir) / "profiles.yml").read_text())
    return sorted(profiles["newsledger"]["outputs"])


def dbt_resource() -> DbtCliResource:
    return QuickDbtCliResource(project_dir=DBT_PROJECT, dbt_executable=_dbt_executable())


def _dbt_executable() -> str:
    """`newsledger-dbt`, which installing the project puts beside this interpreter."""
    return str(WARM_DBT_EXECUTABLE if WARM_DBT_EXECUTABLE.exists() else DBT_EXECUTABLE)


class DbtCommandError(RuntimeError):
    """A dbt command run by `run_dbt` failed."""


def run_dbt(
    args: Sequence[str], target_path: Path, environment: Mapping[str, str] | None = None
) -> None:
    """Runs a dbt command whose results are files, not Dagster events (parse, docs generate),
    outside Dagster's dbt resource: no Dagster events to stream, no dbt artifacts to copy.
    `environment`: variables set for this command beside the process's own."""
    command = [
        _dbt_executable(),
        *args,
        "--project-dir", str(DBT_PROJECT.project_dir),
        "--profiles-dir", str(DBT_PROJECT.profiles_dir),
        "--target-path", str(target_path),
    ]  # fmt: skip
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **environment} if environment else None,
    )
    if done.returncode:
        said = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise DbtCommandError(
            f"dbt {' '.join(args)} failed (exit {done.returncode}):\n" + "\n".join(said)
        )


def dbt_project_digest(*more: str) -> str:
    """A digest of what dbt reads: the project's files, the dbt version, the environment
    variables the files read (`env_var(...)`) and dbt's own DBT_ settings, and `more`."""
    digest = hashlib.sha256(f"dbt-core {version('dbt-core')}".encode())
    read = [
        path
        for top in DBT_PROJECT_DIR.iterdir()
        if top.name not in _DBT_OUTPUT_FOLDERS
        for path in (top, *top.rglob("*"))
        if path.is_file()
    ]
    names = {name for name in os.environ if name.startswith("DBT_")}
    for path in sorted(read):
        content = path.read_bytes()
        names.update(_ENV_VAR.findall(content.decode("utf-8", "replace")))
        relative = path.relative_to(DBT_PROJECT_DIR).as_posix()
        digest.update(b"\0" + relative.encode() + b"\0" + content)
    settings = sorted((name, os.environ.get(name)) for name in names)
    for part in (repr(settings), *more):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def prepare_dbt_manifest(
    build_database: str | None = None, memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
) -> None:
    """Parse the dbt project into target/manifest.json (`dagster dev` does this by itself),
    unless the manifest there was parsed from the same files and settings.

    dbt's parse is kept beside the manifest, and the builds of a warehouse that has no parse of
    its own start from it (`kept_dbt_parse`). dbt reuses a parse only under the profile settings
    it was made with: given the build database of a refresh and DuckDB's memory cap, the parse is
    made under that build's."""
    digest = dbt_project_digest()
    if made_from(_MANIFEST, _MANIFEST_PARSED_FOR, digest):
        return
    settings = {BUILD_DATABASE_ENV: build_database, MEMORY_LIMIT_ENV: memory_limit}
    # Parsed apart and moved in whole: a command reading target/ meanwhile sees the old files.
    with tempfile.TemporaryDirectory(prefix="newsledger-dbt-parse-") as made:
        parsed = Path(made)
        _copy_parse(_CHECKOUT_TARGET, parsed)
        run_dbt(_PARSE, target_path=parsed, environment=settings if build_database else None)
        for name in (MANIFEST_FILE, PARTIAL_PARSE_FILE):
            write_whole(_MANIFEST.with_name(name), (parsed / name).read_bytes())
    _MANIFEST_PARSED_FOR.write_text(digest)


_PARSE = ("parse", "--quiet")
_MANIFEST = Path(DBT_PROJECT.manifest_path)
_CHECKOUT_TARGET = _MANIFEST.parent
_MANIFEST_PARSED_FOR = _MANIFEST.with_name(".parsed_for")


def write_whole(path: Path, content: bytes) -> None:
    """Writes `path` so that a reader sees the old file or the new one, never part of either."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(content)
    os.replace(partial, path)


def made_from(output: Path, stamp: Path, digest: str) -> bool:
    """Whether `output` exists and `stamp` says it was made from inputs with this digest."""
    return output.exists() and stamp.exists() and stamp.read_text() == digest


def prepare_dbt_manifest_if_dev() -> None:
    """Under `dagster dev`, parse the dbt project at load so that model edits show up. dagster-dbt's
    own `prepare_if_dev` looks for `dbt` on PATH, which an unactivated virtual environment lacks."""
    if os.getenv("DAGSTER_IS_DEV_CLI"):
        prepare_dbt_manifest()
