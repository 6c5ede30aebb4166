"""Build the Lambda deployment zip for the target platform, without Docker.

pip installs the runtime dependencies as wheels for the Lambda platform and
Python version. The zip then receives the handler, chosen by an allow-list, and
those dependencies, with fixed timestamps, order and permissions so that two
builds of the same sources are byte-identical.

Lambda unpacks the zip to a read-only /var/task, where Python cannot cache
bytecode, so a zip of sources compiles every module again on each cold start.
The build therefore adds bytecode compiled by the runtime's exact Python
version next to the sources, which stay for readable tracebacks. To keep the
zip small, it leaves out files that nothing on Lambda reads and the bytecode
of modules that the handler never imports.
"""

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Only these project files are shipped; everything else in the project
# (tests, .venv, node_modules, .git) stays out of the zip.
HANDLER_FILES = ("handler.py",)

PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}

# Console scripts carry the building interpreter's path in their shebang, and
# RECORD lists their hashes; bytecode compiled by pip embeds a temporary path.
STRIPPED_DIRECTORIES = {"bin", "__pycache__"}
STRIPPED_FILES = {"RECORD"}

# Files that nothing in the Lambda runtime reads, matched against paths
# relative to the zip root (a "*" also matches "/"). Keep every module that
# an import can reach, and every licence that covers shipped code.
UNSHIPPED_FILES = (
    # Type information, read only by type checkers.
    "*.pyi",
    "*/py.typed",
    # The C source of MarkupSafe's compiled extension, which ships beside it.
    "markupsafe/_speedups.c",
    # Browser assets and their icon licence, served only by Werkzeug's
    # interactive debugger, which runs under the development server alone.
    "werkzeug/debug/shared/*",
)

# Modules that a Lambda handler serving an API never imports: command-line
# terminal helpers, shell completion, test clients, the development server's
# debugger, reloader and middleware, and template features beyond rendering.
# Their sources stay, so an import still works and Python compiles them then.
SOURCE_ONLY_MODULES = (
    "click/_termui_impl.py",
    "click/_textwrap.py",
    "click/_winconsole.py",
    "click/shell_completion.py",
    "click/testing.py",
    "flask/__main__.py",
    "flask/debughelpers.py",
    "flask/testing.py",
    "jinja2/ext.py",
    "jinja2/meta.py",
    "jinja2/nativetypes.py",
    "jinja2/sandbox.py",
    "werkzeug/_reloader.py",
    "werkzeug/debug/*",
    "werkzeug/middleware/http_proxy.py",
    "werkzeug/middleware/lint.py",
    "werkzeug/middleware/profiler.py",
    "werkzeug/middleware/shared_data.py",
    "werkzeug/testapp.py",
)

# The earliest time a zip can store; zip entries hold local time without a zone.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
DIRECTORY_MODE = 0o040755


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", required=True, help="Lambda runtime, for example python3.12")
    parser.add_argument("--architecture", required=True, choices=sorted(PLATFORMS), help="Lambda architecture")
    parser.add_argument("--requirements", type=Path, default=PROJECT_ROOT / "requirements.txt", help="pinned runtime requirements")
    parser.add_argument("--build-dir", type=Path, default=PROJECT_ROOT / "build" / "lambda", help="staging folder, emptied first")
    parser.add_argument("--output", type=Path, required=True, help="path of the zip to write")
    parser.add_argument(
        "--no-bytecode",
        dest="bytecode",
        action="store_false",
        help="ship sources only, for a machine without the runtime's Python version; every cold start then compiles them",
    )
    return parser.parse_args(argv)


def python_version(runtime: str) -> str:
    """Return pip's ``--python-version`` for a runtime name such as ``python3.12``."""
    version = runtime.removeprefix("python")
    if version == runtime or not version.replace(".", "").isdigit():
        raise SystemExit(f"ERROR: runtime {runtime!r} is not a Lambda Python runtime; use a name such as 'python3.12'.")
    return version


def install_dependencies(requirements: Path, target: Path, runtime: str, architecture: str) -> None:
    """Install the requirements as Lambda-platform wheels into ``target``."""
    command = [
        sys.executable, "-m", "pip", "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--only-binary=:all:",
        "--implementation", "cp",
        "--python-version", python_version(runtime),
        "--platform", PLATFORMS[architecture],
        "--target", str(target),
        "--requirement", str(requirements),
    ]
    subprocess.run(command, check=True, cwd=PROJECT_ROOT)


def copy_handler(target: Path) -> None:
    for name in HANDLER_FILES:
        shutil.copy2(PROJECT_ROOT / name, target / name)


def strip_unreproducible_files(root: Path) -> None:
    """Remove files whose bytes depend on the build machine rather than the sources."""
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_dir() and path.name in STRIPPED_DIRECTORIES:
            shutil.rmtree(path)
        elif path.is_file() and path.name in STRIPPED_FILES:
            path.unlink()


def matches_any(path: Path, root: Path, patterns: tuple[str, ...]) -> bool:
    """Return whether ``path``, relative to ``root``, matches one of the glob ``patterns``."""
    name = path.relative_to(root).as_posix()
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def remove_files(root: Path, files: list[Path]) -> None:
    """Remove ``files``, then each folder under ``root`` that their removal leaves empty."""
    folders = set()
    for path in files:
        path.unlink()
        folders.add(path.parent)
    for folder in sorted(folders, reverse=True):
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def remove_unshipped_files(root: Path) -> None:
    """Remove the files that match ``UNSHIPPED_FILES``."""
    remove_files(root, [path for path in sorted(root.rglob("*")) if path.is_file() and matches_any(path, root, UNSHIPPED_FILES)])


def remove_unused_bytecode(root: Path) -> None:
    """Remove the bytecode of the modules that match ``SOURCE_ONLY_MODULES``, keeping their sources."""
    bytecode = []
    for source in sorted(root.rglob("*.py")):
        if matches_any(source, root, SOURCE_ONLY_MODULES):
            bytecode.extend(sorted(source.parent.glob(f"__pycache__/{source.stem}.*.pyc")))
    remove_files(root, bytecode)


def runtime_python_candidates(runtime: str) -> list[str]:
    """Return every ``runtime`` executable on PATH, in PATH order."""
    candidates: list[str] = []
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = shutil.which(runtime, path=directory) if directory else None
        if candidate is not None and candidate not in candidates:
            candidates.append(candidate)
    return candidates


def find_runtime_python(runtime: str) -> str:
    """Return an interpreter of the runtime's exact Python version: this one, or ``runtime`` on PATH."""
    version = python_version(runtime)
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    # pyenv installs a shim for every version it manages, and the shim fails
    # unless PYENV_VERSION lists that version, so try each match on PATH in turn.
    for candidate in runtime_python_candidates(runtime):
        result = subprocess.run(
            [candidate, "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode == 0 and result.stdout.strip() == version:
            return candidate
    raise SystemExit(
        f"ERROR: bytecode for {runtime} must be compiled by Python {version}, and neither this interpreter "
        f"(Python {sys.version_info.major}.{sys.version_info.minor}) nor any '{runtime}' on PATH runs that version. "
        f"Install Python {version} (with pyenv: 'pyenv install {version}'; the Makefile finds pyenv's interpreters), "
        "or pass --no-bytecode to ship sources only (slower cold starts)."
    )


def compile_bytecode(root: Path, python: str) -> None:
    """Compile every module under ``root`` to unchecked-hash bytecode with ``python``, the runtime's version.

    Unchecked-hash pyc files do not depend on file dates, so the zip's fixed
    dates keep them valid. Stripping ``root`` from the file names recorded in
    the bytecode keeps this machine's paths out of the zip. At import, Python
    replaces those names with the real source paths for tracebacks.
    """
    command = [
        python,
        # Isolated mode ignores PYTHONPYCACHEPREFIX and PYTHONOPTIMIZE, which
        # would put the bytecode elsewhere or under names Lambda never loads.
        "-I",
        "-m", "compileall",
        "-q",
        "--invalidation-mode", "unchecked-hash",
        "-s", str(root),
        str(root),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(
            f"ERROR: compileall failed with exit code {result.returncode} while compiling {root} with {python}:\n"
            f"{result.stdout}{result.stderr}"
        )


def write_zip(root: Path, output: Path) -> None:
    """Write every file and folder under ``root``, sorted by entry name as bytes, with fixed metadata."""
    output.parent.mkdir(parents=True, exist_ok=True)
    entries = {}
    for path in root.rglob("*"):
        name = path.relative_to(root).as_posix()
        entries[f"{name}/" if path.is_dir() else name] = path

    temporary = output.with_suffix(".zip.tmp")
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries, key=str.encode):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            if name.endswith("/"):
                info.external_attr = (DIRECTORY_MODE << 16) | 0x10
                archive.writestr(info, b"")
            else:
                info.external_attr = FILE_MODE << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, entries[name].read_bytes(), compresslevel=9)
    os.replace(temporary, output)


def build(runtime: str, architecture: str, requirements: Path, build_dir: Path, output: Path, bytecode: bool = True) -> None:
    """Run every build step: install, copy, strip, trim, compile, zip."""
    # Look for the compiler first, so that a missing one fails before pip runs.
    compiler = find_runtime_python(runtime) if bytecode else None
    if build_dir.exists():
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)

    install_dependencies(requirements, build_dir, runtime, architecture)
    copy_handler(build_dir)
    strip_unreproducible_files(build_dir)
    remove_unshipped_files(build_dir)
    if compiler is not None:
        compile_bytecode(build_dir, compiler)
        remove_unused_bytecode(build_dir)

    write_zip(build_dir, output)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    try:
        build(arguments.runtime, arguments.architecture, arguments.requirements.resolve(), arguments.build_dir.resolve(), arguments.output.resolve(), arguments.bytecode)
    except subprocess.CalledProcessError as error:
        print(f"ERROR: pip failed with exit code {error.returncode} while installing {arguments.requirements}; read its output above.", file=sys.stderr)
        return 1
    print(f"Wrote {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
