"""Next steps printed after generation."""

from hooks import post_gen_project


def test_next_steps_name_folder_and_first_stage(capsys):
    exit_code = post_gen_project.main({"project_slug": "hello-api", "stages": "qa, prod"})

    output = capsys.readouterr().out
    assert exit_code == 0
    assert "cd hello-api" in output
    assert "make package STAGE=qa" in output
    assert "make deploy STAGE=qa" in output


def test_next_steps_start_with_git_and_align(capsys):
    post_gen_project.main({"project_slug": "hello-api", "stages": "development, prod"})

    lines = capsys.readouterr().out.splitlines()
    commented = [line for line in lines if "#" in line]
    assert "git init" in lines[2]
    assert len({line.index("#") for line in commented}) == 1
