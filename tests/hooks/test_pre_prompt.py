"""Renaming of the template folder in cookiecutter's working copy."""

from hooks import pre_prompt


def test_template_folder_is_renamed(tmp_path):
    (tmp_path / "template").mkdir()
    (tmp_path / "template" / "serverless.yml").write_text("service: x\n")

    assert pre_prompt.expose_template(tmp_path) == 0
    assert (tmp_path / "{{cookiecutter.project_slug}}" / "serverless.yml").is_file()
    assert not (tmp_path / "template").exists()


def test_renamed_folder_is_left_alone(tmp_path):
    (tmp_path / "{{cookiecutter.project_slug}}").mkdir()

    assert pre_prompt.expose_template(tmp_path) == 0


def test_missing_template_folder_is_an_error(tmp_path, capsys):
    assert pre_prompt.expose_template(tmp_path) == 1
    assert capsys.readouterr().out.startswith("ERROR: ")
