"""Bakes of the template: option combinations, awkward names and invalid values."""

import configparser
import itertools
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from hooks.filters import escape_serverless_variables, serverless_yaml_string

UNRENDERED = re.compile(r"\{\{|\{%|cookiecutter\.")

COMBINATIONS = list(itertools.product(("http", "rest"), ("arm64", "x86_64"), ("python3.12", "python3.13")))


def generated_files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


def parse(path: Path) -> object:
    """Parse a generated configuration file by its name, or return None for other files."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yml", ".yaml"):
        return yaml.safe_load(text)
    if path.suffix == ".json" or path.name.endswith("rc.json"):
        return json.loads(text)
    if path.suffix in (".ini", ".cfg"):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        return parser
    if path.suffix == ".toml":
        return tomllib.loads(text)
    return None


def serverless_config(project: Path) -> dict:
    return yaml.safe_load((project / "serverless.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=COMBINATIONS, ids=["-".join(combination) for combination in COMBINATIONS])
def combination_project(request, bake):
    """Bake one API type, architecture and runtime combination."""
    api_type, architecture, runtime = request.param
    result = bake(api_type=api_type, architecture=architecture, python_runtime=runtime)
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    return request.param, result.project_path


def test_no_unrendered_template_text(combination_project):
    _, project = combination_project

    for path in generated_files(project):
        text = path.read_text(encoding="utf-8")
        assert not UNRENDERED.search(text), f"{path.relative_to(project)} contains unrendered template text"


def test_configuration_files_parse(combination_project):
    _, project = combination_project
    parsed = [path.name for path in generated_files(project) if parse(path) is not None]

    assert {"serverless.yml", "package.json", "package-lock.json", "tox.ini", ".cfnlintrc.yaml", ".groovylintrc.json"} <= set(parsed)


def test_serverless_yml_follows_options(combination_project):
    (api_type, architecture, runtime), project = combination_project
    config = serverless_config(project)
    provider = config["provider"]
    events = config["functions"]["api"]["events"]

    assert config["service"] == "greeting-service"
    assert provider["runtime"] == runtime
    assert provider["architecture"] == architecture
    assert {next(iter(event)) for event in events} == {"httpApi" if api_type == "http" else "http"}
    assert [event[next(iter(event))]["path"] for event in events] == ["/", "/{proxy+}"]
    assert config["package"]["artifact"] == "${env:ARTIFACT_PATH, 'dist/greeting-service.zip'}"
    assert set(config["params"]) == {"default", "dev", "test", "demo", "prod"}


def test_makefile_builds_for_options(combination_project):
    (_, architecture, runtime), project = combination_project
    makefile = (project / "Makefile").read_text(encoding="utf-8")

    assert f"RUNTIME := {runtime}" in makefile
    assert f"ARCHITECTURE := {architecture}" in makefile


def test_environment_names_match_library(combination_project):
    _, project = combination_project
    environment = serverless_config(project)["provider"]["environment"]

    assert set(environment) == {
        "GREETING_SERVICE_NAME",
        "GREETING_SERVICE_VERSION",
        "GREETING_GIT_COMMIT",
        "GREETING_STAGE",
        "GREETING_LOG_LEVEL",
        "GREETING_MAX_NAME_LENGTH",
        "GREETING_MAX_BODY_BYTES",
    }


def test_cli_without_flags_generates_project(template_snapshot, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(template_snapshot), "--no-input", "--output-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "greeting-service" / "serverless.yml").is_file()
    assert "greeting-core>=0.1,<0.2" in (tmp_path / "greeting-service" / "requirements.txt").read_text()


AWKWARD_NAMES = {
    "quotes": "It's \"Quoted\"",
    "colon-hash": "Key: value # not a comment",
    "leading-at": "@Leading At",
    "no": "NO",
    "dollar-backslash": "Costs $5 \\ back\\slash",
    "serverless-variables": "${self:service} ${env:HOME}",
    "dollar-before-variable": "Home is $${env:HOME} and $${self:provider.region}",
    "dollar-backslash-before-variable": "$\\${env:HOME}",
    "escaped-backslash-before-variable": "\\\\${x}",
    "unclosed-variable": "${env:HOME",
    "dollar-before-unclosed-variable": "$${env:HOME",
    "unicode-escape": "A \\u000a println('ran') \\u0027",
    "emoji": "Emoji 😀 Ünïcödé",
}


@pytest.mark.parametrize("name", AWKWARD_NAMES.values(), ids=AWKWARD_NAMES.keys())
def test_awkward_name_round_trips(bake, name):
    result = bake(project_name=name, project_slug="awkward", description=name, author=name)
    assert result.exception is None, result.exception
    project = result.project_path

    config = serverless_config(project)
    package = json.loads((project / "package.json").read_text(encoding="utf-8"))
    jenkinsfile = (project / "Jenkinsfile").read_text(encoding="utf-8")
    readme = (project / "README.md").read_text(encoding="utf-8")

    assert config["functions"]["api"]["description"] == escape_serverless_variables(name)
    assert package["description"] == name
    assert package["author"] == name
    (project_literal,) = re.findall(r"^\s*PROJECT_NAME = '((?:[^'\\]|\\.)*)'$", jenkinsfile, re.MULTILINE)
    assert re.sub(r"\\(.)", r"\1", project_literal) == name
    heading = readme.splitlines()[0]
    assert re.sub(r"\\(.)", r"\1", heading) == f"# {name}"


@pytest.fixture(scope="module")
def osls_node_modules(bake, run_command) -> Path:
    """Install the default project's pinned npm packages, osls among them, once."""
    result = bake()
    assert result.exception is None, result.exception
    run_command(["npm", "ci", "--no-audit", "--no-fund"], cwd=result.project_path)
    return result.project_path / "node_modules"


def osls_print(project: Path, node_modules: Path, run_command) -> dict:
    """Return the configuration as osls resolves it, without AWS credentials."""
    (project / "node_modules").symlink_to(node_modules, target_is_directory=True)
    output = run_command([str(node_modules / ".bin" / "osls"), "print", "--format", "json"], cwd=project, timeout=180).stdout
    return json.loads(output)


@pytest.mark.slow
@pytest.mark.parametrize("text", AWKWARD_NAMES.values(), ids=AWKWARD_NAMES.keys())
def test_osls_keeps_awkward_description(bake, osls_node_modules, run_command, text):
    result = bake(project_name="Awkward", description=text)
    assert result.exception is None, result.exception

    config = osls_print(result.project_path, osls_node_modules, run_command)

    assert config["functions"]["api"]["description"] == text


@pytest.mark.slow
def test_osls_keeps_dollar_backslash_combinations(osls_node_modules, run_command, tmp_path):
    # Every text of up to four of these pieces, each escaped as the template does.
    pieces = ["$", "\\", "{", "}", "a", "env:HOME}", "self:service}"]
    texts = ["".join(combination) for length in range(1, 5) for combination in itertools.product(pieces, repeat=length)]
    lines = ["service: combinations", 'frameworkVersion: ">=4.3.1 <5"', "provider:", "  name: aws", "custom:", "  texts:"]
    lines += [f"    - {serverless_yaml_string(text)}" for text in texts]
    (tmp_path / "serverless.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    resolved = osls_print(tmp_path, osls_node_modules, run_command)["custom"]["texts"]

    assert [(text, value) for text, value in zip(texts, resolved, strict=True) if text != value] == []


def test_jenkinsfile_holds_no_unicode_escape(bake):
    # Groovy decodes "\\uXXXX" anywhere in the source, comments included, when an
    # odd run of backslashes precedes the "u".
    result = bake(project_name="A \\u000a error('x') \\\\\\u0027", project_slug="escapes")
    assert result.exception is None, result.exception
    jenkinsfile = (result.project_path / "Jenkinsfile").read_text(encoding="utf-8")

    assert [run for run in re.findall(r"(\\+)u", jenkinsfile) if len(run) % 2] == []


def test_readme_description_never_starts_code_block(bake):
    result = bake(description="    Indented like code", project_slug="indented")
    assert result.exception is None, result.exception
    readme = (result.project_path / "README.md").read_text(encoding="utf-8")

    (line,) = [line for line in readme.splitlines() if "Indented like code" in line]
    assert line == "Indented like code"


def test_injection_shaped_name_stays_data(bake):
    # Would close the hooks' raw string literal if answers were pasted in as code.
    name = "x'''); open('INJECTED', 'w') #"
    result = bake(project_name=name, project_slug="injection")

    assert result.exception is None, result.exception
    assert not (result.project_path / "INJECTED").exists()
    assert json.loads((result.project_path / "package.json").read_text(encoding="utf-8"))["name"] == "injection"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"project_slug": "Bad Slug"}, "project_slug 'Bad Slug' is invalid"),
        ({"project_name": "42 Greetings"}, "project_slug '42-greetings' is invalid"),
        ({"aws_region": "moon-1"}, "aws_region 'moon-1' is not an AWS region"),
        ({"stages": "dev,Prod"}, "stage 'Prod' is invalid"),
        ({"project_slug": "s" * 60}, "Lambda function name"),
        ({"greeting_core_requirement": "--index-url=http://example.invalid"}, "token starting with '-'"),
        ({"greeting_core_requirement": " -r /etc/hostname"}, "starts or ends with whitespace"),
        ({"stages": "dev,default"}, "stage 'default' is reserved"),
    ],
    ids=["slug", "name-starting-with-digit", "region", "stage", "name-too-long", "requirement-option", "requirement-leading-space", "stage-default"],
)
def test_invalid_value_leaves_no_output(template_snapshot, tmp_path, capfd, answers, expected):
    with pytest.raises(FailedHookException):
        cookiecutter(str(template_snapshot), no_input=True, extra_context=answers, output_dir=str(tmp_path))

    errors = [line for line in capfd.readouterr().err.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert expected in errors[0]
    assert list(tmp_path.iterdir()) == []


def test_cli_rejection_prints_no_traceback(template_snapshot, tmp_path):
    result = subprocess.run(
        [
            sys.executable, "-m", "cookiecutter", str(template_snapshot), "--no-input",
            "--output-dir", str(tmp_path), "project_slug=Bad_Slug",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if line.startswith("ERROR:")]

    assert result.returncode != 0
    assert len(errors) == 1, output
    assert errors[0].startswith("ERROR: project_slug 'Bad_Slug' is invalid")
    assert "Traceback" not in output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("project_slug=a/b", "project_slug 'a/b' is invalid"),
        ("project_slug=../x/y", "project_slug '../x/y' is invalid"),
        ("project_slug=.", "project_slug '.' is invalid"),
        ("project_name=", "project_name '' is empty"),
        ("project_name=!!!", "project_name '!!!' has no letters or digits"),
    ],
    ids=["slash", "parent-folder", "dot", "empty-name", "name-without-letters"],
)
def test_unsafe_folder_name_leaves_nothing(template_snapshot, tmp_path, answer, expected):
    # cookiecutter creates the project folder before the pre_gen_project hook runs.
    output_dir = tmp_path / "out"
    output_dir.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(template_snapshot), "--no-input", "--output-dir", str(output_dir), answer],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=output_dir,
    )
    output = result.stdout + result.stderr
    errors = [line for line in output.splitlines() if line.startswith("ERROR:")]

    assert result.returncode != 0
    assert len(errors) == 1, output
    assert expected in errors[0]
    assert list(tmp_path.iterdir()) == [output_dir]
    assert list(output_dir.iterdir()) == []


@pytest.mark.parametrize(
    "answers",
    [{"python_runtime": "python3.9"}, {"architecture": "sparc"}, {"api_type": "soap"}],
    ids=["runtime", "architecture", "api-type"],
)
def test_unknown_choice_leaves_no_output(template_snapshot, tmp_path, answers):
    # cookiecutter rejects a value outside a choice list before the hooks run;
    # the pre_gen_project hook checks the same lists for other callers.
    with pytest.raises(ValueError, match="but the choices are"):
        cookiecutter(str(template_snapshot), no_input=True, extra_context=answers, output_dir=str(tmp_path))

    assert list(tmp_path.iterdir()) == []
