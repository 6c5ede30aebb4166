"""Renaming of the template folder in cookiecutter's working copy."""

import json
import re
from pathlib import Path

from hooks import pre_prompt

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_template_folder_is_renamed(tmp_path):
    (tmp_path / "template").mkdir()
    (tmp_path / "template" / "serverless.yml").write_text("service: x\n")

    assert pre_prompt.expose_template(tmp_path) == 0
    assert (tmp_path / "{{cookiecutter.__project_dir}}" / "serverless.yml").is_file()
    assert not (tmp_path / "template").exists()


def test_renamed_folder_is_left_alone(tmp_path):
    (tmp_path / "{{cookiecutter.__project_dir}}").mkdir()

    assert pre_prompt.expose_template(tmp_path) == 0


def test_missing_template_folder_is_an_error(tmp_path, capsys):
    assert pre_prompt.expose_template(tmp_path) == 1
    assert capsys.readouterr().out.startswith("ERROR: ")


def test_folder_name_is_the_filtered_slug():
    variables = json.loads((REPO_ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    (name,) = re.fullmatch(r"\{\{cookiecutter\.(\w+)\}\}", pre_prompt.PROJECT_DIR).groups()

    assert name.startswith("__"), "a private variable is rendered but never prompted for"
    assert variables[name] == "{{ cookiecutter.project_slug | path_segment }}"
