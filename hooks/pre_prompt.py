"""Expose the top-level ``template/`` folder under the name cookiecutter expects.

cookiecutter runs this hook in its own temporary copy of the repository, before
it looks for the project template, and only accepts a folder whose name contains
``cookiecutter`` and ``{{ }}``. Renaming the copy keeps the repository's folder
readable as ``template/`` while ``cookiecutter DIR`` works with no extra flags.
"""

import sys
from pathlib import Path

TEMPLATE_DIR = "template"
# cookiecutter creates this folder from the rendered name before the
# pre_gen_project hook can check the slug, so the name comes from a private
# variable that the path_segment filter keeps to one safe folder name.
PROJECT_DIR = "{{cookiecutter.__project_dir}}"


def expose_template(repo_dir: Path) -> int:
    """Rename ``template/`` in ``repo_dir`` and return an exit code."""
    source = repo_dir / TEMPLATE_DIR
    target = repo_dir / PROJECT_DIR
    if target.is_dir():
        return 0
    if not source.is_dir():
        print(f"ERROR: the template folder {source} is missing; run cookiecutter on a complete checkout of the template repository.")
        return 1
    source.rename(target)
    return 0


def main() -> int:
    return expose_template(Path.cwd())


if __name__ == "__main__":
    sys.exit(main())
