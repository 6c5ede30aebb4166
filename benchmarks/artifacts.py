"""Zip, unzip, compile and size the deployment packages under comparison."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import ModuleType

TEMPLATE_BUILD_SCRIPT = Path(__file__).resolve().parent.parent / "template" / "scripts" / "build_artifact.py"


def _load_template_build() -> ModuleType:
    """Import the generated project's build script, which has no template syntax in it."""
    spec = importlib.util.spec_from_file_location("template_build_artifact", TEMPLATE_BUILD_SCRIPT)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the template's build script from {TEMPLATE_BUILD_SCRIPT}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Every build under comparison is stripped and zipped by the template's own
# functions, so sizes compare like for like and two builds are byte-identical.
_template_build = _load_template_build()
strip_build_files = _template_build.strip_unreproducible_files
write_zip = _template_build.write_zip


def unpack_zip(archive_path: Path, destination: Path) -> None:
    """Unpack ``archive_path`` into an emptied ``destination``, as Lambda unpacks to /var/task."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    with zipfile.ZipFile(archive_path) as archive:
        archive.extractall(destination)


def copy_without_bytecode(source: Path, destination: Path) -> None:
    """Copy a package tree, leaving out every ``__pycache__`` folder."""
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))


def compile_bytecode(root: Path, python: Path) -> None:
    """Compile every module under ``root`` with ``python``, as unchecked-hash pyc files.

    Unchecked-hash pyc files stay valid whatever the file dates in the zip are.
    Stripping ``root`` from the recorded file name keeps host paths out of the
    bytecode. At import, Python replaces that name with the real source path,
    so tracebacks still point at the shipped ``.py`` files.
    """
    command = [
        str(python), "-m", "compileall",
        "-q",
        "--invalidation-mode", "unchecked-hash",
        "-s", str(root),
        str(root),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"compileall failed under {root} with exit code {result.returncode}:\n{result.stdout}{result.stderr}")


def host_path_leaks(root: Path, build_root: Path) -> list[Path]:
    """Return the pyc files under ``root`` whose bytes contain the absolute path of ``build_root``."""
    marker = os.fsencode(build_root.resolve())
    return [path for path in sorted(root.rglob("*.pyc")) if marker in path.read_bytes()]


def tree_size(root: Path) -> tuple[int, int]:
    """Return the total size in bytes and the number of files under ``root``."""
    files = [path for path in root.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def installed_distributions(root: Path) -> dict[str, str]:
    """Return the name and version of every distribution installed under ``root``."""
    versions = {}
    for metadata in sorted(root.glob("*.dist-info/METADATA")):
        fields = {}
        for line in metadata.read_text(encoding="utf-8").splitlines():
            if not line:
                break
            key, _, value = line.partition(": ")
            fields.setdefault(key, value)
        versions[fields.get("Name", metadata.parent.name)] = fields.get("Version", "?")
    return versions


def compressed_size_by_entry(archive_path: Path, limit: int) -> list[tuple[str, int]]:
    """Return the ``limit`` largest top-level entries of a zip by compressed bytes, with all metadata folders as one."""
    totals: dict[str, int] = {}
    with zipfile.ZipFile(archive_path) as archive:
        for info in archive.infolist():
            top = info.filename.split("/", 1)[0]
            if top.endswith(".dist-info"):
                top = "*.dist-info"
            totals[top] = totals.get(top, 0) + info.compress_size
    return sorted(totals.items(), key=lambda item: item[1], reverse=True)[:limit]
