"""Print the commands that take a freshly generated project to a deployment."""

import json
import sys
from collections.abc import Mapping
from pathlib import Path


def next_steps(answers: Mapping[str, str]) -> str:
    """Return the instructions shown after generation."""
    first_stage = answers["stages"].split(",")[0].strip()
    steps = [
        (f"cd {answers['project_slug']}", ""),
        # Builds take their version and commit from git.
        ("git init && git add -A && git commit -m 'Generate the project'", ""),
        ("make install", ".venv and node_modules"),
        ("make test", "unit tests"),
        ("make offline", "serve on http://127.0.0.1:3000"),
        (f"make package STAGE={first_stage}", "CloudFormation in .serverless/, no AWS access needed"),
        (f"make deploy STAGE={first_stage}", "needs AWS credentials"),
    ]
    width = max(len(command) for command, comment in steps if comment) + 2
    lines = [f"Created {answers['project_slug']}/. Next steps:"]
    for command, comment in steps:
        lines.append(f"  {command:<{width}}# {comment}" if comment else f"  {command}")
    lines.append("Run 'make help' for every target.")
    return "\n".join(lines)


def remove_unused_files(answers: Mapping[str, str], project: Path) -> None:
    """Delete resource files that serverless.yml does not include for these answers."""
    resources = project / "resources"
    if answers.get("api_type", "http") != "http":
        # REST throttling lives on the Stage that plugins/resilience.js adds.
        (resources / "throttling.yml").unlink(missing_ok=True)
    if not answers.get("secondary_region"):
        (resources / "multi-region.yml").unlink(missing_ok=True)


def main(answers: Mapping[str, str], project: Path | None = None) -> int:
    # cookiecutter runs this hook inside the new project folder.
    remove_unused_files(answers, project or Path.cwd())
    print(next_steps(answers))
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r'{{ cookiecutter | tojson }}')))
