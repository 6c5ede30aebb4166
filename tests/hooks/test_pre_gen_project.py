"""Validation of the answers before generation."""

import pytest

from hooks import pre_gen_project

VALID_ANSWERS = {
    "project_name": "Greeting Service",
    "project_slug": "greeting-service",
    "description": "Says hello.",
    "author": "Ada Lovelace",
    "aws_region": "eu-west-1",
    "python_runtime": "python3.12",
    "architecture": "arm64",
    "api_type": "http",
    "stages": "dev,test,demo,prod",
    "greeting_core_requirement": "greeting-core>=0.1,<0.2",
}


def answers_with(**changes: str) -> dict[str, str]:
    return {**VALID_ANSWERS, **changes}


def test_valid_answers_pass():
    assert pre_gen_project.validate(VALID_ANSWERS) == []


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("project_slug", "Greeting", "must start with a lower-case letter"),
        ("project_slug", "1greeting", "must start with a lower-case letter"),
        ("project_slug", "greeting_service", "single hyphens"),
        ("project_slug", "greeting--service", "single hyphens"),
        ("project_slug", "greeting-", "without a hyphen at the end"),
        ("project_slug", "", "must start with a lower-case letter"),
        ("project_slug", "a/b", "project_slug 'a/b' is invalid"),
        ("project_slug", "../x/y", "project_slug '../x/y' is invalid"),
        ("project_name", "", "project_name '' is empty"),
        ("project_name", "two\nlines", "line break"),
        ("description", "x" * 257, "maximum of 256"),
        ("author", "tab\there", "control character"),
        ("aws_region", "europe", "not an AWS region"),
        ("aws_region", "EU-WEST-1", "not an AWS region"),
        ("python_runtime", "python3.11", "choose one of python3.12, python3.13"),
        ("architecture", "x86", "choose one of arm64, x86_64"),
        ("api_type", "graphql", "choose one of http, rest"),
        ("stages", "", "stages is empty"),
        ("stages", "dev,Prod", "stage 'Prod' is invalid"),
        ("stages", "dev,,prod", "stage '' is invalid"),
        ("stages", "dev,prod,dev", "more than once"),
        ("stages", "default", "stage 'default' is reserved"),
        ("stages", "dev, default", "stage 'default' is reserved"),
        ("greeting_core_requirement", "-e .", "token starting with '-'"),
        ("greeting_core_requirement", " --index-url http://127.0.0.1:9/simple", "starts or ends with whitespace"),
        ("greeting_core_requirement", "greeting-core>=0.1 ", "starts or ends with whitespace"),
        ("greeting_core_requirement", "greeting-core --hash=sha256:00", "token starting with '-'"),
        ("greeting_core_requirement", "greeting-core>=0.1 -r /etc/hostname", "token starting with '-'"),
        ("greeting_core_requirement", "greeting-core \\", "ends with a backslash"),
        ("greeting_core_requirement", "greeting-core\n-i http://example.invalid", "not one line"),
        ("greeting_core_requirement", "requests>=2", "neither a pip requirement on greeting-core"),
        ("greeting_core_requirement", "greeting-core # comment", "neither a pip requirement on greeting-core"),
        ("greeting_core_requirement", "dist/greeting_core-0.1.0-py3-none-any.whl", "nor an absolute path"),
        ("greeting_core_requirement", "/nowhere/greeting_core-0.1.0-py3-none-any.whl", "does not exist"),
        ("greeting_core_requirement", "/tmp/nonexistent.WHL", "nor a path ending in '.whl'"),
        ("greeting_core_requirement", "/tmp/a b.whl", "contains whitespace or '$'"),
    ],
    ids=[
        "slug-upper-case",
        "slug-leading-digit",
        "slug-underscore",
        "slug-double-hyphen",
        "slug-trailing-hyphen",
        "slug-empty",
        "slug-with-slash",
        "slug-leaving-output-folder",
        "name-empty",
        "name-newline",
        "description-too-long",
        "author-tab",
        "region-not-a-code",
        "region-upper-case",
        "runtime-unsupported",
        "architecture-unknown",
        "api-type-unknown",
        "stages-empty",
        "stage-upper-case",
        "stage-blank",
        "stage-duplicate",
        "stage-default-alone",
        "stage-default-among-others",
        "requirement-option",
        "requirement-option-after-leading-space",
        "requirement-trailing-space",
        "requirement-hash-option",
        "requirement-option-after-specifier",
        "requirement-trailing-backslash",
        "requirement-two-lines",
        "requirement-other-package",
        "requirement-comment",
        "requirement-relative-path",
        "requirement-missing-wheel",
        "requirement-upper-case-suffix",
        "requirement-path-with-space",
    ],
)
def test_invalid_value_is_rejected(field, value, expected):
    errors = pre_gen_project.validate(answers_with(**{field: value}))

    assert len(errors) == 1
    assert expected in errors[0]


def test_function_name_limit_uses_longest_stage():
    slug = "s" * 50
    errors = pre_gen_project.validate(answers_with(project_slug=slug, stages="dev,production"))

    assert len(errors) == 1
    assert "Lambda function name" in errors[0]
    assert "'production'" in errors[0]


def test_role_name_limit_counts_region():
    # 35 + len("-demo-ap-southeast-2-lambdaRole") = 66, over 64.
    slug = "s" * 35
    errors = pre_gen_project.validate(answers_with(project_slug=slug, aws_region="ap-southeast-2"))

    assert len(errors) == 1
    assert "IAM role name" in errors[0]


def test_longest_valid_slug_passes():
    # "-prod-eu-west-1-lambdaRole" takes 26 of the role name's 64 characters.
    slug = "s" * 38
    assert pre_gen_project.validate(answers_with(project_slug=slug, stages="dev,prod")) == []


def test_existing_wheel_is_accepted(tmp_path):
    wheel = tmp_path / "greeting_core-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")

    assert pre_gen_project.validate(answers_with(greeting_core_requirement=str(wheel))) == []


@pytest.mark.parametrize(
    "requirement",
    [
        "greeting-core",
        "greeting_core==0.1.0",
        "Greeting.Core ~= 0.1",
        "greeting-core[test]>=0.1,<0.2",
        "greeting-core>=0.1, !=0.1.3, <0.2",
        "greeting-core @ https://example.com/greeting_core-0.1.0-py3-none-any.whl#sha256=00",
    ],
)
def test_pep508_requirement_is_accepted(requirement):
    assert pre_gen_project.validate(answers_with(greeting_core_requirement=requirement)) == []


def test_project_folder_is_accepted(tmp_path):
    assert pre_gen_project.validate(answers_with(greeting_core_requirement=str(tmp_path))) == []


@pytest.mark.parametrize("name", ["", "   "])
def test_blank_name_gets_one_error(name):
    errors = pre_gen_project.validate(answers_with(project_name=name, project_slug=""))

    assert errors == [f"project_name {name!r} is empty; give it a value."]


def test_slug_without_letters_names_project_name():
    errors = pre_gen_project.validate(answers_with(project_name="!!!", project_slug=""))

    assert len(errors) == 1
    assert "project_slug is empty" in errors[0]
    assert "project_name '!!!'" in errors[0]


def test_stages_allow_spaces_after_commas():
    assert pre_gen_project.parse_stages("dev, prod") == ["dev", "prod"]


def test_main_prints_one_error_line_per_value(capsys):
    exit_code = pre_gen_project.main(answers_with(project_slug="Bad", aws_region="mars"))

    lines = capsys.readouterr().err.splitlines()
    assert exit_code == 1
    assert len(lines) == 2
    assert all(line.startswith("ERROR: ") for line in lines)
    assert "'Bad'" in lines[0]
    assert "'mars'" in lines[1]


def test_main_returns_zero_for_valid_answers(capsys):
    assert pre_gen_project.main(VALID_ANSWERS) == 0
    assert capsys.readouterr().err == ""
