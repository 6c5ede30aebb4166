"""Version, manifest and checksum of the Lambda zip.

``make build`` writes ``dist/<service>-<version>.zip`` and, beside it,
``dist/<service>-<version>.manifest.json``. The manifest records what the zip
is (service, version, commit, runtime, architecture) and its checksums, and
nothing about when or where it was built, so two builds of one commit give the
same bytes.
"""

import base64
import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST_SUFFIX = ".manifest.json"
UNVERSIONED = "unversioned"
# Characters a git tag may hold but a portable file name should not.
UNSAFE_FILE_CHARACTERS = re.compile(r"[^A-Za-z0-9._+-]+")


class ArtifactError(Exception):
    """A missing, mismatched or tampered artifact; the message names the fix."""


@dataclass(frozen=True)
class Manifest:
    service: str
    version: str
    commit: str
    dirty: bool
    runtime: str
    architecture: str
    artifact: str
    size: int
    sha256: str
    # The base64 of the SHA-256 digest, as Lambda reports it in CodeSha256.
    code_sha256: str


def git(directory: Path, *arguments: str) -> str:
    """Run git in ``directory`` and return its stripped output; raise ``ArtifactError`` on failure."""
    try:
        result = subprocess.run(["git", *arguments], cwd=directory, check=True, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise ArtifactError("git is not installed; install git to build a versioned artifact.") from error
    except subprocess.CalledProcessError as error:
        raise ArtifactError(f"git {' '.join(arguments)} failed in {directory}: {error.stderr.strip()}") from error
    return result.stdout.strip()


def is_git_repository(directory: Path) -> bool:
    try:
        git(directory, "rev-parse", "--git-dir")
    except ArtifactError:
        return False
    return True


def has_commit(directory: Path) -> bool:
    try:
        git(directory, "rev-parse", "--verify", "--quiet", "HEAD")
    except ArtifactError:
        return False
    return True


def describe(directory: Path) -> tuple[str, str, bool]:
    """Return the version, the full commit and whether the working copy has uncommitted changes.

    The version is ``git describe --tags --always --dirty``. That is the tag on a
    tagged commit, the newest tag, the number of commits since it and the
    abbreviated commit after it (``v1.2.0-3-g1a2b3c4``), or the abbreviated commit
    when there is no tag. It ends in ``-dirty`` when files have uncommitted changes,
    untracked files included.
    """
    if not is_git_repository(directory) or not has_commit(directory):
        return UNVERSIONED, UNVERSIONED, True
    version = git(directory, "describe", "--tags", "--always", "--dirty")
    commit = git(directory, "rev-parse", "HEAD")
    # git describe ignores untracked files, so they are checked separately.
    dirty = version.endswith("-dirty") or bool(dirty_files(directory))
    if dirty and not version.endswith("-dirty"):
        version += "-dirty"
    return version, commit, dirty


def dirty_files(directory: Path) -> list[str]:
    """List the files that differ from HEAD, untracked files included, as ``git status --porcelain`` prints them."""
    # A worktree links the project's node_modules, which git would list as an untracked file.
    output = git(directory, "status", "--porcelain", "--untracked-files=all", "--", ".", ":(exclude)node_modules")
    return [line for line in output.splitlines() if line.strip()]


def sha256_digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def code_sha256(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def versioned_stem(service: str, version: str) -> str:
    return f"{service}-{UNSAFE_FILE_CHARACTERS.sub('-', version)}"


def write_versioned_artifact(
    zip_path: Path, service: str, version: str, commit: str, dirty: bool, runtime: str, architecture: str
) -> tuple[Path, Manifest]:
    """Copy ``zip_path`` to its versioned name beside it and write the manifest; return the manifest's path and content."""
    if not zip_path.is_file():
        raise ArtifactError(f"the zip {zip_path} does not exist; run 'make build' first.")

    stem = versioned_stem(service, version)
    versioned_zip = zip_path.with_name(f"{stem}.zip")
    if versioned_zip.resolve() != zip_path.resolve():
        shutil.copyfile(zip_path, versioned_zip)

    digest = sha256_digest(versioned_zip)
    manifest = Manifest(
        service=service,
        version=version,
        commit=commit,
        dirty=dirty,
        runtime=runtime,
        architecture=architecture,
        artifact=versioned_zip.name,
        size=versioned_zip.stat().st_size,
        sha256=digest.hex(),
        code_sha256=code_sha256(digest),
    )
    manifest_path = versioned_zip.with_name(f"{stem}{MANIFEST_SUFFIX}")
    manifest_path.write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest_path, manifest


def read_manifest(path: Path) -> Manifest:
    """Load a manifest; raise ``ArtifactError`` when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError) as error:
        raise ArtifactError(f"{path} is not a readable artifact manifest ({error}); rebuild it with 'make build'.") from error


def verify(manifest_path: Path) -> tuple[Path, Manifest]:
    """Check that the zip named by the manifest has the recorded SHA-256; return the zip's path and the manifest."""
    manifest = read_manifest(manifest_path)
    zip_path = manifest_path.with_name(manifest.artifact)
    if not zip_path.is_file():
        raise ArtifactError(f"{zip_path} is missing although {manifest_path.name} names it; rebuild it with 'make build'.")
    actual = sha256_digest(zip_path).hex()
    if actual != manifest.sha256:
        raise ArtifactError(
            f"{zip_path.name} has SHA-256 {actual}, but {manifest_path.name} records {manifest.sha256}: "
            "the zip changed after it was built. Delete it and rebuild or fetch the original."
        )
    return zip_path, manifest


def find_by_code_sha256(directory: Path, running_sha256: str, version: str = "") -> Path:
    """Return the manifest in ``directory`` of the zip that Lambda reports as CodeSha256 ``running_sha256``.

    Commits that change no shipped file build the same zip. ``version``, when
    given, picks among them; otherwise they must all be one version.
    """
    manifests = {path: read_manifest(path) for path in sorted(directory.glob(f"*{MANIFEST_SUFFIX}"))}
    matches = [path for path, manifest in manifests.items() if manifest.code_sha256 == running_sha256]
    if version:
        matches = [path for path in matches if manifests[path].version == version] or matches
    if not matches:
        known = ", ".join(sorted({manifest.code_sha256 for manifest in manifests.values()})) or "none"
        raise ArtifactError(
            f"no artifact in {directory} has CodeSha256 {running_sha256} (found: {known}); "
            "copy the build's dist/ folder here, for example from the pipeline's archived artifacts."
        )
    if len({manifests[path].version for path in matches}) > 1:
        versions = ", ".join(manifests[path].version for path in matches)
        raise ArtifactError(
            f"the builds of versions {versions} in {directory} all have CodeSha256 {running_sha256}; "
            "pass FROM_VERSION=<version> to choose the one whose serverless.yml to deploy with."
        )
    return matches[0]
