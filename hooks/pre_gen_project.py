"""Validate the answers before cookiecutter writes any file of the project.

Each invalid value gets one ``ERROR:`` line naming the value, the rule and a fix,
and the non-zero exit makes cookiecutter delete the partial output folder.
"""

import json
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

RUNTIMES = ("python3.12", "python3.13")
ARCHITECTURES = ("arm64", "x86_64")
API_TYPES = ("http", "rest")

# The Serverless CLI names the function "{service}-{stage}-{function}" and the
# role "{service}-{stage}-{region}-lambdaRole"; Lambda function names and IAM
# role names allow at most 64 characters. The stack "{service}-{stage}" must
# start with a letter, contain only letters, digits and hyphens, and fit in 128.
FUNCTION_KEY = "api"
ROLE_SUFFIX = "lambdaRole"
MAX_FUNCTION_NAME = 64
MAX_ROLE_NAME = 64
MAX_STACK_NAME = 128
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
STAGE_PATTERN = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
REGION_PATTERN = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[1-9]")
# A plain address without quotes or spaces, so it is safe in YAML and in a shell.
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
DOMAIN_PATTERN = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# Route 53 hosted zone ids are upper-case letters and digits starting with Z.
HOSTED_ZONE_PATTERN = re.compile(r"Z[A-Z0-9]{1,31}")
# Stage names get a subdomain of domain_name, and a DNS name fits in 253 characters.
MAX_DOMAIN_NAME = 253
# serverless.yml keeps the settings shared by every stage under params.default.
RESERVED_STAGE = "default"

# A PEP 508 requirement on greeting-core, under any spelling that normalises to
# that name, with optional extras and either version specifiers or a direct URL.
# Environment markers are left out: the requirement targets one Lambda runtime.
REQUIREMENT_NAME = r"(?i:greeting[-_.]+core)"
REQUIREMENT_EXTRAS = r"\[\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(,\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*)*\]"
VERSION_SPECIFIER = r"(===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9*][A-Za-z0-9._*+!-]*"
REQUIREMENT_PATTERN = re.compile(
    rf"{REQUIREMENT_NAME}\s*({REQUIREMENT_EXTRAS})?\s*"
    rf"({VERSION_SPECIFIER}(\s*,\s*{VERSION_SPECIFIER})*|@\s*[a-z][a-z0-9+.-]*://[^\s$]+)?"
)
WHEEL_SUFFIX = ".whl"

MAX_PROJECT_NAME = 100
# Lambda rejects a function description longer than 256 characters.
MAX_DESCRIPTION = 256
MAX_AUTHOR = 100
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def check_free_text(field: str, value: str, max_length: int) -> str | None:
    if not value.strip():
        return f"{field} {value!r} is empty; give it a value."
    if CONTROL_CHARACTERS.search(value):
        return f"{field} {value!r} contains a line break or control character; write it on one line."
    if len(value) > max_length:
        return f"{field} {value!r} has {len(value)} characters, more than the maximum of {max_length}; shorten it."
    return None


def check_choice(field: str, value: str, choices: tuple[str, ...]) -> str | None:
    if value in choices:
        return None
    return f"{field} {value!r} is not supported; choose one of {', '.join(choices)}."


def check_slug(slug: str, project_name: str) -> str | None:
    if SLUG_PATTERN.fullmatch(slug):
        return None
    if not slug and not any(character.isalnum() for character in project_name):
        if not project_name.strip():
            # The slug derives from the name, and the error on the empty name covers both.
            return None
        return (
            f"project_slug is empty, and project_name {project_name!r} has no letters or digits to derive it from; "
            "pass a slug such as project_slug=greeting-service."
        )
    return (
        f"project_slug {slug!r} is invalid: it must start with a lower-case letter and contain only lower-case "
        "ASCII letters, digits and single hyphens, without a hyphen at the end; pass a slug such as 'greeting-service'."
    )


def check_region(region: str) -> str | None:
    if REGION_PATTERN.fullmatch(region):
        return None
    return f"aws_region {region!r} is not an AWS region name; use a code such as 'eu-west-1' or 'us-east-1'."


def check_alarm_email(email: str) -> str | None:
    if not email or EMAIL_PATTERN.fullmatch(email):
        return None
    return f"alarm_email {email!r} is not an e-mail address; give one such as 'ops@example.com', or leave it empty."


def check_multi_region(answers: Mapping[str, str], stages: list[str]) -> str | None:
    """Check the second region and, when it is set, the failover domain and hosted zone."""
    secondary = answers.get("secondary_region", "")
    if not secondary:
        return None
    if not REGION_PATTERN.fullmatch(secondary):
        return (
            f"secondary_region {secondary!r} is not an AWS region name; use a code such as 'eu-central-1', "
            "or leave it empty for a single region."
        )
    if secondary == answers["aws_region"]:
        return f"secondary_region {secondary!r} equals aws_region; choose a different region for failover."
    domain = answers["domain_name"]
    longest = f"{max(stages, key=len)}.{domain}"
    if not DOMAIN_PATTERN.fullmatch(domain) or len(longest) > MAX_DOMAIN_NAME:
        return (
            f"domain_name {domain!r} is not a lower-case DNS name of at most {MAX_DOMAIN_NAME} characters "
            "(with the stage prefix); give one such as 'api.example.com'."
        )
    if not HOSTED_ZONE_PATTERN.fullmatch(answers["hosted_zone_id"]):
        return (
            f"hosted_zone_id {answers['hosted_zone_id']!r} is not a Route 53 hosted zone id; copy the id of "
            "the zone that holds domain_name, such as 'Z0123456789ABCDEFGHIJ'."
        )
    return None


def parse_stages(stages: str) -> list[str]:
    """Split the comma-separated stage list, dropping blanks around names."""
    return [stage.strip() for stage in stages.split(",")]


def check_stages(stages: list[str]) -> str | None:
    if stages == [""]:
        return "stages is empty; list at least one stage, for example 'dev,prod'."
    for stage in stages:
        if not STAGE_PATTERN.fullmatch(stage):
            return (
                f"stage {stage!r} is invalid: a stage must start with a lower-case letter and contain only lower-case "
                "ASCII letters, digits and single hyphens; rename it, for example to 'dev'."
            )
        if stage == RESERVED_STAGE:
            return (
                f"stage {stage!r} is reserved: serverless.yml keeps the settings shared by all stages under "
                f"params.{RESERVED_STAGE}; rename the stage, for example to 'dev'."
            )
    duplicates = sorted({stage for stage in stages if stages.count(stage) > 1})
    if duplicates:
        return f"stages lists {', '.join(duplicates)} more than once; list each stage once."
    return None


def check_resource_names(slug: str, stages: list[str], region: str) -> str | None:
    """Check that the AWS names built from the slug, the longest stage and the region fit their limits."""
    stage = max(stages, key=len)
    function_name = f"{slug}-{stage}-{FUNCTION_KEY}"
    if len(function_name) > MAX_FUNCTION_NAME:
        return (
            f"the Lambda function name {function_name!r} has {len(function_name)} characters, more than the maximum "
            f"of {MAX_FUNCTION_NAME}; shorten project_slug {slug!r} or stage {stage!r}."
        )
    role_name = f"{slug}-{stage}-{region}-{ROLE_SUFFIX}"
    if len(role_name) > MAX_ROLE_NAME:
        return (
            f"the IAM role name {role_name!r} has {len(role_name)} characters, more than the maximum "
            f"of {MAX_ROLE_NAME}; shorten project_slug {slug!r} or stage {stage!r}."
        )
    stack_name = f"{slug}-{stage}"
    if len(stack_name) > MAX_STACK_NAME:
        return (
            f"the CloudFormation stack name {stack_name!r} has {len(stack_name)} characters, more than the maximum "
            f"of {MAX_STACK_NAME}; shorten project_slug {slug!r} or stage {stage!r}."
        )
    return None


def check_requirement(requirement: str) -> str | None:
    """Accept a PEP 508 requirement on greeting-core or the absolute path of a wheel or project folder.

    The value becomes one line of requirements.txt, where pip would read any
    token starting with "-" as an option and a trailing backslash as a line
    continuation, so neither may reach it.
    """
    example = "such as 'greeting-core>=0.1,<0.2' or the absolute path of a greeting_core wheel"
    if not requirement.strip() or CONTROL_CHARACTERS.search(requirement):
        return f"greeting_core_requirement {requirement!r} is not one line of text; give a pip requirement {example}."
    if requirement != requirement.strip():
        return (
            f"greeting_core_requirement {requirement!r} starts or ends with whitespace; remove it and give "
            f"a requirement {example}."
        )
    if any(token.startswith("-") for token in requirement.split()):
        return (
            f"greeting_core_requirement {requirement!r} contains a token starting with '-', which pip reads as "
            f"an option; give only a requirement {example}."
        )
    if requirement.endswith("\\"):
        return (
            f"greeting_core_requirement {requirement!r} ends with a backslash, which pip reads as a line "
            f"continuation; remove it and give a requirement {example}."
        )
    if requirement.startswith("/"):
        return check_requirement_path(requirement)
    if REQUIREMENT_PATTERN.fullmatch(requirement):
        return None
    return (
        f"greeting_core_requirement {requirement!r} is neither a pip requirement on greeting-core (with optional "
        f"extras and version specifiers, or '@ URL') nor an absolute path; give one {example}."
    )


def check_requirement_path(path: str) -> str | None:
    if re.search(r"\s|\$", path):
        return (
            f"greeting_core_requirement {path!r} contains whitespace or '$', which pip reads as a separator or "
            "an environment variable; move the wheel to a path without them."
        )
    if Path(path).is_dir():
        return None
    if not path.endswith(WHEEL_SUFFIX):
        return (
            f"greeting_core_requirement {path!r} is neither an existing folder nor a path ending in "
            f"'{WHEEL_SUFFIX}'; pass the absolute path of a wheel built with 'python -m build --wheel'."
        )
    if not Path(path).is_file():
        return (
            f"greeting_core_requirement {path!r} names a wheel that does not exist; build it with "
            "'python -m build --wheel' and pass its absolute path."
        )
    return None


def validate(answers: Mapping[str, str]) -> list[str]:
    """Return one error message for each invalid answer, in prompt order."""
    stages = parse_stages(answers["stages"])
    checks: list[Callable[[], str | None]] = [
        lambda: check_free_text("project_name", answers["project_name"], MAX_PROJECT_NAME),
        lambda: check_slug(answers["project_slug"], answers["project_name"]),
        lambda: check_free_text("description", answers["description"], MAX_DESCRIPTION),
        lambda: check_free_text("author", answers["author"], MAX_AUTHOR),
        lambda: check_region(answers["aws_region"]),
        lambda: check_choice("python_runtime", answers["python_runtime"], RUNTIMES),
        lambda: check_choice("architecture", answers["architecture"], ARCHITECTURES),
        lambda: check_choice("api_type", answers["api_type"], API_TYPES),
        lambda: check_stages(stages),
        lambda: check_requirement(answers["greeting_core_requirement"]),
        lambda: check_alarm_email(answers.get("alarm_email", "")),
        lambda: check_multi_region(answers, stages),
    ]
    errors = [message for message in (check() for check in checks) if message]
    if not errors:
        name_error = check_resource_names(answers["project_slug"], stages, answers["aws_region"])
        if name_error:
            errors.append(name_error)
    return errors


def main(answers: Mapping[str, str]) -> int:
    """Print an ``ERROR:`` line for each invalid answer and return the exit code."""
    errors = validate(answers)
    for message in errors:
        print(f"ERROR: {message}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    # cookiecutter renders this file with Jinja before running it. tojson
    # escapes quotes as \u0027, so the answers arrive as data in a raw string.
    sys.exit(main(json.loads(r'{{ cookiecutter | tojson }}')))
