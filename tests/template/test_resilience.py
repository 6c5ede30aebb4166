"""Canary deployments, alarms, concurrency, throttling and failover, asserted from compiled templates.

Each project is baked once and each (project, stage, option) case is compiled once with the
real osls; the tests share the compiled templates.
"""

import json
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from hooks import post_gen_project, pre_gen_project

pytestmark = pytest.mark.slow

FUNCTION_ID = "ApiLambdaFunction"
ALIAS_ID = "ApiLambdaFunctionAliasLive"
STAGES = ("dev", "test", "demo", "prod")

BAKES = {
    "http": {"project_slug": "resilient-http"},
    "rest": {"project_slug": "resilient-rest", "api_type": "rest"},
    "http-two-regions": {
        "project_slug": "failover-http",
        "secondary_region": "eu-central-1",
        "alarm_email": "ops@example.com",
    },
    "rest-two-regions": {
        "project_slug": "failover-rest",
        "api_type": "rest",
        "aws_region": "us-east-1",
        "secondary_region": "us-west-2",
        "domain_name": "greeting.example.org",
        "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
    },
}

# Options override the stage params on the command line, as `osls package --param` allows.
OPTIONS = {
    "on-demand": (),
    "provisioned": ("provisionedConcurrencyMin=2", "provisionedConcurrencyMax=8", "provisionedConcurrencyTarget=0.6"),
    "snapstart": ("snapStart=true",),
}

# The values that the generated serverless.yml sets per stage.
EXPECTED = {
    "prod": {"deployment": "Canary10Percent5Minutes", "reserved": 100, "rate": 200, "burst": 400, "concurrency_alarm": 80},
    "other": {"deployment": "AllAtOnce", "reserved": 10, "rate": 20, "burst": 40, "concurrency_alarm": 8},
}

ALARMS = {
    "ApiErrorsAlarm",
    "ApiNewVersionErrorsAlarm",
    "ApiThrottlesAlarm",
    "ApiDurationAlarm",
    "ApiConcurrencyAlarm",
    "Api5xxAlarm",
    "Api4xxAlarm",
}

# These X-Ray actions accept no resource-level permissions, so "*" is their only valid
# Resource (AWS Service Authorization Reference, "Actions defined by AWS X-Ray").
UNSCOPED_ACTIONS = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


@dataclass(frozen=True)
class Case:
    bake: str
    stage: str
    option: str = "on-demand"
    region: str | None = None

    @property
    def id(self) -> str:
        return "-".join(part for part in (self.bake, self.stage, self.option, self.region) if part)

    @property
    def api_type(self) -> str:
        return BAKES[self.bake].get("api_type", "http")

    @property
    def expected(self) -> dict:
        return EXPECTED["prod" if self.stage == "prod" else "other"]


CASES = [Case(api, stage) for api in ("http", "rest") for stage in STAGES]
CASES += [Case(api, stage, option) for api in ("http", "rest") for stage in ("dev", "prod") for option in ("provisioned", "snapstart")]
CASES += [
    Case("http-two-regions", "prod", region="eu-west-1"),
    Case("http-two-regions", "prod", region="eu-central-1"),
    Case("rest-two-regions", "prod", region="us-east-1"),
    Case("rest-two-regions", "prod", region="us-west-2"),
]
CASE_IDS = [case.id for case in CASES]


def osls_package(project: Path, stage: str, outdir: Path, params: tuple[str, ...] = (), region: str | None = None):
    command = [str(project / "node_modules" / ".bin" / "osls"), "package", "--stage", stage, "--package", str(outdir)]
    for param in params:
        command += ["--param", param]
    if region:
        command += ["--region", region]
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, check=False)


def copy_project(source: Path, target: Path) -> Path:
    """Copy a baked project, sharing its node_modules through a symbolic link."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules", ".serverless"))
    (target / "node_modules").symlink_to((source / "node_modules").resolve(), target_is_directory=True)
    return target


@pytest.fixture(scope="module")
def projects(bake) -> dict[str, Path]:
    """Bake every project, install node_modules once and share it, and add a stand-in zip."""
    baked = {}
    for name, answers in BAKES.items():
        result = bake(**answers)
        assert result.exception is None, result.exception
        baked[name] = result.project_path
    first = baked["http"]
    npm = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=first, capture_output=True, text=True, timeout=600, check=False)
    assert npm.returncode == 0, f"npm ci failed:\n{npm.stdout[-3000:]}\n{npm.stderr[-3000:]}"
    for name, path in baked.items():
        if path != first:
            (path / "node_modules").symlink_to(first / "node_modules", target_is_directory=True)
        # The compiled resources do not depend on the zip's content, so no pip build is needed.
        (path / "dist").mkdir(exist_ok=True)
        with zipfile.ZipFile(path / "dist" / f"{BAKES[name]['project_slug']}.zip", "w") as archive:
            archive.writestr("handler.py", "from greeting_core import lambda_handler\n")
    return baked


@pytest.fixture(scope="module")
def compiled(projects, tmp_path_factory) -> dict[str, dict]:
    """Compile every case once, two at a time, and return the templates by case id."""
    outroot = tmp_path_factory.mktemp("compiled")

    def compile_case(case: Case) -> tuple[Case, subprocess.CompletedProcess, Path]:
        # osls keeps state in the service's .serverless/ even with --package, so every
        # parallel run gets its own copy of the project.
        workdir = copy_project(projects[case.bake], outroot / case.id / "project")
        outdir = outroot / case.id / "package"
        result = osls_package(workdir, case.stage, outdir, OPTIONS[case.option], case.region)
        return case, result, outdir / "cloudformation-template-update-stack.json"

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(compile_case, CASES))
    templates = {}
    for case, result, path in results:
        assert result.returncode == 0, f"{case.id}: osls package failed\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        templates[case.id] = {"path": path, "template": json.loads(path.read_text(encoding="utf-8"))}
    return templates


@pytest.fixture(params=CASES, ids=CASE_IDS)
def case(request) -> Case:
    return request.param


@pytest.fixture
def resources(case, compiled) -> dict:
    return compiled[case.id]["template"]["Resources"]


def of_type(resources: dict, resource_type: str) -> dict:
    return {key: value for key, value in resources.items() if value["Type"] == resource_type}


def mentions(value, logical_id: str) -> bool:
    return f'"{logical_id}"' in json.dumps(value)


def test_one_alias_serves_api_and_capacity(case, resources):
    assert list(of_type(resources, "AWS::Lambda::Alias")) == [ALIAS_ID]
    assert resources[ALIAS_ID]["Properties"]["Name"] == "Live"

    permissions = of_type(resources, "AWS::Lambda::Permission")
    assert permissions
    for permission in permissions.values():
        assert permission["Properties"]["FunctionName"] == {"Ref": ALIAS_ID}

    if case.api_type == "http":
        integrations = [item["Properties"]["IntegrationUri"] for item in of_type(resources, "AWS::ApiGatewayV2::Integration").values()]
    else:
        integrations = [item["Properties"]["Integration"]["Uri"] for item in of_type(resources, "AWS::ApiGateway::Method").values()]
    assert integrations
    for uri in integrations:
        assert mentions(uri, ALIAS_ID)
        assert not mentions(uri, FUNCTION_ID)

    for target in of_type(resources, "AWS::ApplicationAutoScaling::ScalableTarget").values():
        assert target["Properties"]["ResourceId"] == {"Fn::Sub": "function:${ApiLambdaFunction}:Live"}
        assert target["DependsOn"] == [ALIAS_ID]


def test_deployment_group_rolls_back_on_alarms(case, resources):
    (group,) = of_type(resources, "AWS::CodeDeploy::DeploymentGroup").values()
    properties = group["Properties"]

    assert properties["DeploymentConfigName"]["Fn::Sub"][1] == {"ConfigName": case.expected["deployment"]}
    assert properties["AutoRollbackConfiguration"]["Enabled"] is True
    assert "DEPLOYMENT_STOP_ON_ALARM" in properties["AutoRollbackConfiguration"]["Events"]
    assert properties["AlarmConfiguration"]["Enabled"] is True
    assert properties["AlarmConfiguration"]["Alarms"] == [{"Name": {"Ref": "ApiNewVersionErrorsAlarm"}}, {"Name": {"Ref": "Api5xxAlarm"}}]
    assert properties["ServiceRoleArn"] == {"Fn::GetAtt": ["CodeDeployServiceRole", "Arn"]}
    assert resources[ALIAS_ID]["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"] == {
        "Ref": "ApiLambdaFunctionDeploymentGroup"
    }


def test_alarms_notify_topic(case, resources):
    alarms = of_type(resources, "AWS::CloudWatch::Alarm")

    assert set(alarms) == ALARMS
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    function = resources[FUNCTION_ID]["Properties"]
    assert alarms["ApiDurationAlarm"]["Properties"]["Threshold"] < function["Timeout"] * 1000
    assert alarms["ApiConcurrencyAlarm"]["Properties"]["Threshold"] == case.expected["concurrency_alarm"]
    api_metrics = {"http": {"5xx", "4xx", "Count"}, "rest": {"5XXError", "4XXError", "Count"}}[case.api_type]
    for alarm_id in ("Api5xxAlarm", "Api4xxAlarm"):
        names = {item["MetricStat"]["Metric"]["MetricName"] for item in alarms[alarm_id]["Properties"]["Metrics"] if "MetricStat" in item}
        assert names <= api_metrics


def test_new_version_alarm_counts_published_version(resources):
    (version_id,) = of_type(resources, "AWS::Lambda::Version")
    dimensions = resources["ApiNewVersionErrorsAlarm"]["Properties"]["Dimensions"]

    assert {"Name": "ExecutedVersion", "Value": {"Fn::GetAtt": [version_id, "Version"]}} in dimensions
    assert {"Name": "Resource", "Value": {"Fn::Sub": "${ApiLambdaFunction}:Live"}} in dimensions


def test_alarm_email_subscription_is_conditional(case, compiled):
    template = compiled[case.id]["template"]
    expected_email = BAKES[case.bake].get("alarm_email", "")

    assert template["Parameters"]["AlarmEmail"]["Default"] == expected_email
    assert template["Resources"]["AlarmEmailSubscription"]["Condition"] == "HasAlarmEmail"
    assert template["Conditions"]["HasAlarmEmail"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}


def test_reserved_concurrency_per_stage(case, resources):
    assert resources[FUNCTION_ID]["Properties"]["ReservedConcurrentExecutions"] == case.expected["reserved"]


def test_stage_throttling(case, resources):
    if case.api_type == "http":
        settings = resources["HttpApiStage"]["Properties"]["DefaultRouteSettings"]
        assert settings == {
            "DetailedMetricsEnabled": False,
            "ThrottlingRateLimit": case.expected["rate"],
            "ThrottlingBurstLimit": case.expected["burst"],
        }
    else:
        (deployment_id, deployment) = next(iter(of_type(resources, "AWS::ApiGateway::Deployment").items()))
        stage = resources["ApiGatewayStage"]["Properties"]
        assert "StageName" not in deployment["Properties"]
        assert stage["DeploymentId"] == {"Ref": deployment_id}
        assert stage["StageName"] == case.stage
        assert stage["TracingEnabled"] is True
        assert stage["MethodSettings"] == [
            {
                "HttpMethod": "*",
                "ResourcePath": "/*",
                "ThrottlingRateLimit": case.expected["rate"],
                "ThrottlingBurstLimit": case.expected["burst"],
            }
        ]


def test_provisioned_concurrency_only_when_enabled(case, resources):
    targets = of_type(resources, "AWS::ApplicationAutoScaling::ScalableTarget")
    policies = of_type(resources, "AWS::ApplicationAutoScaling::ScalingPolicy")

    if case.option != "provisioned":
        assert targets == {}
        assert policies == {}
        return
    (target_id, target) = next(iter(targets.items()))
    (policy,) = policies.values()
    assert target["Properties"]["MinCapacity"] == 2
    assert target["Properties"]["MaxCapacity"] == 8
    assert target["Properties"]["RoleARN"]["Fn::Sub"].startswith("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/")
    assert policy["Properties"]["ScalingTargetId"] == {"Ref": target_id}
    assert policy["Properties"]["PolicyType"] == "TargetTrackingScaling"
    tracking = policy["Properties"]["TargetTrackingScalingPolicyConfiguration"]
    assert tracking["TargetValue"] == 0.6
    assert tracking["PredefinedMetricSpecification"]["PredefinedMetricType"] == "LambdaProvisionedConcurrencyUtilization"


def test_snapstart_only_when_enabled(case, resources):
    snap_start = resources[FUNCTION_ID]["Properties"].get("SnapStart")

    if case.option == "snapstart":
        assert snap_start == {"ApplyOn": "PublishedVersions"}
    else:
        assert snap_start is None


def iam_statements(resources: dict):
    """Yield (logical id, statement) for every inline and managed IAM policy in the template."""
    for logical_id, resource in resources.items():
        properties = resource.get("Properties", {})
        documents = []
        if resource["Type"] == "AWS::IAM::Role":
            documents = [policy["PolicyDocument"] for policy in properties.get("Policies", [])]
        elif resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents = [properties["PolicyDocument"]]
        for document in documents:
            for statement in document["Statement"]:
                yield logical_id, statement


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_iam_statements_are_scoped(resources):
    roles = of_type(resources, "AWS::IAM::Role")
    assert {"IamRoleLambdaExecution", "CodeDeployServiceRole"} <= set(roles)
    for role_id, role in roles.items():
        assert "ManagedPolicyArns" not in role["Properties"], f"{role_id} attaches managed policies"

    statements = list(iam_statements(resources))
    assert statements
    for logical_id, statement in statements:
        assert statement["Effect"] == "Allow"
        actions = as_list(statement["Action"])
        for action in actions:
            assert action != "*", f"{logical_id} allows every action"
            assert not action.endswith(":*"), f"{logical_id} allows {action}"
        if "*" in as_list(statement["Resource"]):
            assert set(actions) <= UNSCOPED_ACTIONS, f"{logical_id} allows {actions} on every resource"


def test_cfn_lint_finds_nothing(projects, compiled):
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    paths = [str(item["path"]) for item in compiled.values()]

    # The project's .cfnlintrc.yaml gives the reason for each ignored rule.
    result = subprocess.run(
        [str(cfn_lint), "--", *paths], cwd=projects["http"], capture_output=True, text=True, timeout=300, check=False
    )

    assert result.stdout == ""
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("case_id", "region", "role"),
    [
        ("http-two-regions-prod-on-demand-eu-west-1", "eu-west-1", "PRIMARY"),
        ("http-two-regions-prod-on-demand-eu-central-1", "eu-central-1", "SECONDARY"),
        ("rest-two-regions-prod-on-demand-us-east-1", "us-east-1", "PRIMARY"),
        ("rest-two-regions-prod-on-demand-us-west-2", "us-west-2", "SECONDARY"),
    ],
    ids=["http-primary", "http-secondary", "rest-primary", "rest-secondary"],
)
def test_failover_record_per_region(compiled, case_id, region, role):
    resources = compiled[case_id]["template"]["Resources"]
    record = resources["ApiFailoverRecord"]["Properties"]
    check = resources["ApiHealthCheck"]["Properties"]["HealthCheckConfig"]
    domain = "api.example.com" if case_id.startswith("http") else "greeting.example.org"

    assert record["Failover"] == role
    assert record["Name"] == domain
    assert record["HealthCheckId"] == {"Ref": "ApiHealthCheck"}
    assert record["AliasTarget"]["DNSName"] == {"Fn::GetAtt": ["ApiDomainName", "RegionalDomainName"]}
    assert record["SetIdentifier"].endswith(region)
    assert check["Type"] == "HTTPS"
    assert check["ResourcePath"] == ("/health" if case_id.startswith("http") else "/prod/health")
    assert resources["ApiCertificate"]["Properties"]["DomainName"] == domain


def test_single_region_project_has_no_failover(compiled):
    resources = compiled["http-prod-on-demand"]["template"]["Resources"]

    assert "ApiFailoverRecord" not in resources
    assert "ApiHealthCheck" not in resources


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (("snapStart=true", "provisionedConcurrencyMin=2", "provisionedConcurrencyMax=4"), "SnapStart together with provisioned concurrency"),
        (("provisionedConcurrencyMin=2", "provisionedConcurrencyMax=500"), "exceeds reservedConcurrency"),
        (("deploymentType=Sometimes",), 'deploymentType is "Sometimes"'),
        (("reservedConcurrency=0",), "reservedConcurrency is 0"),
    ],
    ids=["snapstart-and-provisioned", "provisioned-above-reserved", "unknown-deployment-type", "zero-reserved"],
)
def test_invalid_settings_rejected(projects, tmp_path, params, expected):
    workdir = copy_project(projects["http"], tmp_path / "project")

    result = osls_package(workdir, "prod", tmp_path / "out", params)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert expected in output
    assert "params" in output
    assert "    at " not in output, "osls printed a stack trace"


def test_unused_resource_files_removed(projects):
    assert not (projects["http"] / "resources" / "multi-region.yml").exists()
    assert (projects["http"] / "resources" / "throttling.yml").exists()
    assert not (projects["rest"] / "resources" / "throttling.yml").exists()
    assert (projects["rest-two-regions"] / "resources" / "multi-region.yml").exists()


def test_remove_unused_files_keeps_included_ones(tmp_path):
    resources = tmp_path / "resources"
    resources.mkdir()
    for name in ("throttling.yml", "multi-region.yml", "alarms.yml"):
        (resources / name).write_text("Resources: {}\n")

    post_gen_project.remove_unused_files({"api_type": "rest", "secondary_region": ""}, tmp_path)

    assert sorted(path.name for path in resources.iterdir()) == ["alarms.yml"]


VALID_ANSWERS = {
    "aws_region": "eu-west-1",
    "alarm_email": "",
    "secondary_region": "eu-central-1",
    "domain_name": "api.example.com",
    "hosted_zone_id": "Z0123456789ABCDEFGHIJ",
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"alarm_email": "ops at example"}, "alarm_email 'ops at example' is not an e-mail address"),
        ({"secondary_region": "mars-1"}, "secondary_region 'mars-1' is not an AWS region name"),
        ({"secondary_region": "eu-west-1"}, "equals aws_region"),
        ({"domain_name": "Bad_Domain"}, "domain_name 'Bad_Domain' is not a lower-case DNS name"),
        ({"hosted_zone_id": "zone-1"}, "hosted_zone_id 'zone-1' is not a Route 53 hosted zone id"),
    ],
    ids=["email", "region", "same-region", "domain", "hosted-zone"],
)
def test_invalid_resilience_answers_rejected(changes, expected):
    answers = {**VALID_ANSWERS, **changes}
    message = pre_gen_project.check_alarm_email(answers["alarm_email"]) or pre_gen_project.check_multi_region(answers, ["dev", "prod"])

    assert message is not None
    assert expected in message


def test_valid_resilience_answers_accepted():
    assert pre_gen_project.check_alarm_email("ops+alerts@example.co.uk") is None
    assert pre_gen_project.check_multi_region(VALID_ANSWERS, ["dev", "prod"]) is None
    assert pre_gen_project.check_multi_region({**VALID_ANSWERS, "secondary_region": "", "hosted_zone_id": ""}, ["dev"]) is None
