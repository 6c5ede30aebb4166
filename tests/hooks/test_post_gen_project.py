"""Next steps printed after generation."""

from hooks import post_gen_project


def test_next_steps_name_folder_and_first_stage(capsys):
    exit_code = post_gen_project.main({"project_slug": "hello-api", "stages": "qa, prod"})

    output = capsys.readouterr().out
    assert exit_code == 0
    assert "cd hello-api" in output
    assert "make package STAGE=qa" in output
    assert "make deploy STAGE=qa" in output
