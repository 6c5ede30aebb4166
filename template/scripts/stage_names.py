"""Derive an ephemeral stage name from a git branch or pull request name.

A stage name ends up inside several AWS names, so its room is whatever the
longest of them leaves:

- the Lambda function ``{service}-{stage}-{function}``, at most 64 characters;
- the IAM role ``{service}-{stage}-{region}-lambdaRole``, at most 64 characters;
- the CloudFormation stack ``{service}-{stage}``, at most 128 characters.
"""

import hashlib
import re
import unicodedata

MAX_FUNCTION_NAME = 64
MAX_ROLE_NAME = 64
MAX_STACK_NAME = 128
ROLE_SUFFIX = "lambdaRole"

# A name that would equal a configured stage, or that does not start with a
# letter, gets this prefix, so a branch called "prod" can never reach prod.
BRANCH_PREFIX = "br-"
HASH_LENGTH = 6
# The shortest truncated name still contains one letter, a hyphen and the hash.
MIN_BUDGET = 1 + 1 + HASH_LENGTH

NOT_ALLOWED = re.compile(r"[^a-z0-9]+")


class StageNameError(ValueError):
    """A branch name or a naming budget from which no valid stage name can be made."""


def stage_name_budget(service: str, function: str, region: str) -> int:
    """Return the maximum stage length that keeps every derived AWS name within its limit."""
    return min(
        MAX_FUNCTION_NAME - len(f"{service}--{function}"),
        MAX_ROLE_NAME - len(f"{service}--{region}-{ROLE_SUFFIX}"),
        MAX_STACK_NAME - len(f"{service}-"),
    )


def sanitise(branch: str) -> str:
    """Lower-case the branch, fold accents to ASCII and turn every other run of characters into one hyphen."""
    ascii_text = unicodedata.normalize("NFKD", branch).encode("ascii", "ignore").decode("ascii")
    return NOT_ALLOWED.sub("-", ascii_text.lower()).strip("-")


def ephemeral_stage_name(branch: str, budget: int, reserved: frozenset[str]) -> str:
    """Return the stage name for ``branch``: at most ``budget`` characters and never one of ``reserved``.

    A name that is too long keeps its start and ends with a hash of the whole
    branch name, so two long branches that share a prefix get different stages.
    """
    if not branch.strip():
        raise StageNameError("the branch name is empty; pass BRANCH=<git branch or pull request name>.")
    if budget < MIN_BUDGET:
        raise StageNameError(
            f"only {budget} characters are left for a stage name, fewer than the minimum of {MIN_BUDGET}; "
            "shorten the service name or the region's name in serverless.yml."
        )

    digest = hashlib.sha256(branch.encode()).hexdigest()[:HASH_LENGTH]
    name = sanitise(branch)
    if not name:
        # Nothing of the branch name survives, so only the hash distinguishes such branches.
        name = f"{BRANCH_PREFIX}{digest}"
    elif not name[0].isalpha() or name in reserved:
        name = f"{BRANCH_PREFIX}{name}"

    if len(name) > budget:
        name = f"{name[: budget - HASH_LENGTH - 1].rstrip('-')}-{digest}"

    if name in reserved:
        raise StageNameError(f"branch {branch!r} maps to the configured stage {name!r}; rename the branch.")
    return name
