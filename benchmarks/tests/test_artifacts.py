"""Tests of the zip, bytecode and size helpers."""

import py_compile
import subprocess
import sys
import zipfile
from pathlib import Path

import artifacts
import pytest


@pytest.fixture
def package_tree(tmp_path: Path) -> Path:
    """A small installed package with the files a pip --target install leaves behind."""
    root = tmp_path / "tree"
    (root / "demo" / "__pycache__").mkdir(parents=True)
    (root / "demo" / "__init__.py").write_text("def fail():\n    raise ValueError('boom')\n")
    (root / "demo" / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"stale")
    (root / "demo-1.0.dist-info").mkdir()
    (root / "demo-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nbody\n")
    (root / "demo-1.0.dist-info" / "RECORD").write_text("demo/__init__.py,,\n")
    (root / "bin").mkdir()
    (root / "bin" / "demo").write_text("#!/tmp/python\n")
    return root


def test_strip_build_files_removes_machine_specific_files(package_tree: Path):
    artifacts.strip_build_files(package_tree)

    assert not (package_tree / "bin").exists()
    assert not (package_tree / "demo" / "__pycache__").exists()
    assert not (package_tree / "demo-1.0.dist-info" / "RECORD").exists()
    assert (package_tree / "demo-1.0.dist-info" / "METADATA").exists()


def test_write_zip_is_byte_identical_across_builds(package_tree: Path, tmp_path: Path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    artifacts.write_zip(package_tree, first)
    (package_tree / "demo" / "__init__.py").touch()
    artifacts.write_zip(package_tree, second)

    assert first.read_bytes() == second.read_bytes()


def test_write_zip_fixes_dates_and_modes(package_tree: Path, tmp_path: Path):
    output = tmp_path / "out.zip"
    artifacts.write_zip(package_tree, output)

    with zipfile.ZipFile(output) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names, key=str.encode)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos if not info.is_dir()} == {0o100644}


def test_compile_bytecode_writes_unchecked_hash_pyc_without_host_path(package_tree: Path):
    artifacts.strip_build_files(package_tree)
    artifacts.compile_bytecode(package_tree, Path(sys.executable))

    pyc = package_tree / "demo" / "__pycache__" / f"__init__.{sys.implementation.cache_tag}.pyc"
    flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
    assert flags == 0b01  # hash-based, check_source off
    assert artifacts.host_path_leaks(package_tree, package_tree.parent) == []


def test_compiled_tree_traceback_names_shipped_source(package_tree: Path):
    artifacts.strip_build_files(package_tree)
    artifacts.compile_bytecode(package_tree, Path(sys.executable))
    (package_tree / "demo" / "__init__.py").write_text("# edited after compiling\n")

    result = subprocess.run(
        [sys.executable, "-c", "import demo; demo.fail()"],
        cwd=package_tree,
        capture_output=True,
        text=True,
        check=False,
    )

    # The unchecked pyc still runs, and its traceback points at the real file.
    assert "ValueError: boom" in result.stderr
    assert str(package_tree / "demo" / "__init__.py") in result.stderr


def test_compile_bytecode_reports_syntax_errors(tmp_path: Path):
    (tmp_path / "broken.py").write_text("def broken(:\n")

    with pytest.raises(RuntimeError, match="compileall failed"):
        artifacts.compile_bytecode(tmp_path, Path(sys.executable))


def test_installed_distributions_reads_metadata(package_tree: Path):
    assert artifacts.installed_distributions(package_tree) == {"demo": "1.0"}


def test_tree_size_counts_files(package_tree: Path):
    size, files = artifacts.tree_size(package_tree)

    assert files == 5
    assert size == sum(path.stat().st_size for path in package_tree.rglob("*") if path.is_file())


def test_host_path_leaks_finds_absolute_path(package_tree: Path):
    artifacts.strip_build_files(package_tree)
    # Without a stripped directory, py_compile records the absolute source path.
    py_compile.compile(str(package_tree / "demo" / "__init__.py"), doraise=True)

    leaks = artifacts.host_path_leaks(package_tree, package_tree.parent)

    assert [path.name for path in leaks] == [f"__init__.{sys.implementation.cache_tag}.pyc"]
