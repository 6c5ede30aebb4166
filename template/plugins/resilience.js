'use strict';

// Local osls plugin that does what serverless.yml cannot express on its own. It
// - rejects settings that Lambda or this template cannot combine, before anything compiles,
// - points the new-version alarm at the version that this deployment publishes,
// - adds SnapStart, or provisioned concurrency on the alias that serves traffic,
// - gives a REST API a Stage resource, so that stage-wide throttling can be set,
// - checks that the API, its invoke permission and any provisioned concurrency name one alias.
// Its settings come from custom.resilience, which reads the per-stage params.

const SNAPSTART_RUNTIMES = /^python3\.(1[2-9]|[2-9]\d)$/;
const DEPLOYMENT_TYPES = new Set([
  'AllAtOnce',
  'Canary10Percent5Minutes',
  'Canary10Percent10Minutes',
  'Canary10Percent15Minutes',
  'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute',
  'Linear10PercentEvery2Minutes',
  'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes',
]);
// Lambda keeps 100 units of the account quota unreserved ("Configuring reserved concurrency",
// AWS Lambda Developer Guide), so a larger reservation never fits the default quota of 1,000.
const MAX_RESERVED_CONCURRENCY = 900;
const AUTOSCALING_ROLE =
  'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/' +
  'lambda.application-autoscaling.amazonaws.com/' +
  'AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency';

class ResilienceConfigError extends Error {}

function toNumber(value, name, stage) {
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (String(value).trim() === '' || !Number.isFinite(number)) {
    throw new ResilienceConfigError(
      `${name} is "${value}" for stage "${stage}", but it must be a number. ` +
        `Set ${name} in params.${stage} (or params.default) of serverless.yml.`
    );
  }
  return number;
}

function toBoolean(value, name, stage) {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new ResilienceConfigError(
    `${name} is "${value}" for stage "${stage}", but it must be true or false. ` +
      `Set ${name} in params.${stage} (or params.default) of serverless.yml.`
  );
}

/** Validate the resilience settings of one stage and return them as numbers and booleans. */
function readSettings({ stage, runtime, functionConfig, custom }) {
  const settings = custom || {};
  const deployment = functionConfig.deploymentSettings;
  if (!deployment || !deployment.alias) {
    throw new ResilienceConfigError(
      'The function has no deploymentSettings.alias, so the API would invoke $LATEST. ' +
        'Keep deploymentSettings (type, alias, alarms) on the function in serverless.yml.'
    );
  }
  if (!DEPLOYMENT_TYPES.has(deployment.type)) {
    throw new ResilienceConfigError(
      `deploymentType is "${deployment.type}" for stage "${stage}", but CodeDeploy accepts only ` +
        `${[...DEPLOYMENT_TYPES].join(', ')}. Set deploymentType in params.${stage} of serverless.yml.`
    );
  }
  for (const key of ['provisionedConcurrency', 'snapStart']) {
    if (functionConfig[key] !== undefined) {
      throw new ResilienceConfigError(
        `The function sets "${key}" directly. osls then adds a second alias that the API does ` +
          'not invoke. Remove it from the function and use the params provisionedConcurrencyMin ' +
          'or snapStart instead.'
      );
    }
  }

  const provisioned = settings.provisionedConcurrency || {};
  const result = {
    alias: deployment.alias,
    snapStart: toBoolean(settings.snapStart, 'snapStart', stage),
    provisionedMin: toNumber(provisioned.min, 'provisionedConcurrencyMin', stage),
    provisionedMax: toNumber(provisioned.max, 'provisionedConcurrencyMax', stage),
    targetUtilization: toNumber(
      provisioned.targetUtilization,
      'provisionedConcurrencyTarget',
      stage
    ),
    reservedConcurrency: toNumber(functionConfig.reservedConcurrency, 'reservedConcurrency', stage),
    throttleRateLimit: toNumber(settings.throttle && settings.throttle.rateLimit, 'throttleRateLimit', stage),
    throttleBurstLimit: toNumber(
      settings.throttle && settings.throttle.burstLimit,
      'throttleBurstLimit',
      stage
    ),
  };

  if (result.snapStart && result.provisionedMin > 0) {
    throw new ResilienceConfigError(
      `Stage "${stage}" enables both SnapStart (snapStart: true) and provisioned concurrency ` +
        `(provisionedConcurrencyMin: ${result.provisionedMin}), but Lambda does not support ` +
        `SnapStart together with provisioned concurrency. In params.${stage} of serverless.yml, ` +
        'set snapStart: false or provisionedConcurrencyMin: 0.'
    );
  }
  if (result.snapStart && !SNAPSTART_RUNTIMES.test(runtime)) {
    throw new ResilienceConfigError(
      `snapStart is true for stage "${stage}", but the runtime is ${runtime} and Lambda SnapStart ` +
        `supports Python only from python3.12. Change the runtime or set snapStart: false in params.${stage} of serverless.yml.`
    );
  }
  if (!Number.isInteger(result.reservedConcurrency) || result.reservedConcurrency < 1) {
    throw new ResilienceConfigError(
      `reservedConcurrency is ${result.reservedConcurrency} for stage "${stage}", but it must be ` +
        `a whole number of at least 1 (0 would stop the function). Set it in params.${stage} of serverless.yml.`
    );
  }
  if (result.reservedConcurrency > MAX_RESERVED_CONCURRENCY) {
    throw new ResilienceConfigError(
      `reservedConcurrency is ${result.reservedConcurrency} for stage "${stage}", but at most ` +
        `${MAX_RESERVED_CONCURRENCY} fit the default account quota of 1,000, because Lambda keeps ` +
        `100 unreserved. Lower it in params.${stage} of serverless.yml, or raise the quota first and then this limit in plugins/resilience.js.`
    );
  }
  if (result.provisionedMin > 0) {
    if (!Number.isInteger(result.provisionedMin) || !Number.isInteger(result.provisionedMax)) {
      throw new ResilienceConfigError(
        `provisionedConcurrencyMin (${result.provisionedMin}) and provisionedConcurrencyMax ` +
          `(${result.provisionedMax}) for stage "${stage}" must be whole numbers. Fix them in params.${stage} of serverless.yml.`
      );
    }
    if (result.provisionedMax < result.provisionedMin) {
      throw new ResilienceConfigError(
        `provisionedConcurrencyMax (${result.provisionedMax}) is below provisionedConcurrencyMin ` +
          `(${result.provisionedMin}) for stage "${stage}". Raise the maximum or lower the minimum in params.${stage} of serverless.yml.`
      );
    }
    if (result.provisionedMax > result.reservedConcurrency) {
      throw new ResilienceConfigError(
        `provisionedConcurrencyMax (${result.provisionedMax}) exceeds reservedConcurrency ` +
          `(${result.reservedConcurrency}) for stage "${stage}", and Lambda cannot provision more ` +
          `than the function may run. Lower the maximum or raise reservedConcurrency in params.${stage} of serverless.yml.`
      );
    }
    if (!(result.targetUtilization >= 0.1 && result.targetUtilization <= 0.9)) {
      throw new ResilienceConfigError(
        `provisionedConcurrencyTarget is ${result.targetUtilization} for stage "${stage}", but it ` +
          `must be a fraction from 0.1 to 0.9 (0.7 keeps 30% headroom). Set it in params.${stage} of serverless.yml.`
      );
    }
  }
  if (result.throttleRateLimit <= 0 || result.throttleBurstLimit < 1) {
    throw new ResilienceConfigError(
      `throttleRateLimit (${result.throttleRateLimit}) and throttleBurstLimit ` +
        `(${result.throttleBurstLimit}) for stage "${stage}" must be positive. Set them in params.${stage} of serverless.yml.`
    );
  }
  return result;
}

function findLogicalId(resources, predicate) {
  return Object.keys(resources).find((id) => predicate(resources[id]));
}

function refersTo(value, logicalId) {
  return JSON.stringify(value).includes(`"${logicalId}"`);
}

/** Add provisioned concurrency with target-tracking auto scaling to the alias. */
function addProvisionedConcurrency(resources, { functionId, aliasId, alias, settings }) {
  resources[`${functionId}ProvisionedConcurrencyTarget`] = {
    Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
    DependsOn: [aliasId],
    Properties: {
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      ResourceId: { 'Fn::Sub': `function:\${${functionId}}:${alias}` },
      MinCapacity: settings.provisionedMin,
      MaxCapacity: settings.provisionedMax,
      RoleARN: { 'Fn::Sub': AUTOSCALING_ROLE },
    },
  };
  resources[`${functionId}ProvisionedConcurrencyScaling`] = {
    Type: 'AWS::ApplicationAutoScaling::ScalingPolicy',
    Properties: {
      PolicyName: { 'Fn::Sub': `\${${functionId}}-provisioned-concurrency` },
      PolicyType: 'TargetTrackingScaling',
      ScalingTargetId: { Ref: `${functionId}ProvisionedConcurrencyTarget` },
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: settings.targetUtilization,
        PredefinedMetricSpecification: {
          PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization',
        },
      },
    },
  };
}

/** Move the REST API stage out of the Deployment into a Stage resource with throttling. */
function addRestStage(resources, { stage, settings, tracing }) {
  const deploymentId = findLogicalId(resources, (r) => r.Type === 'AWS::ApiGateway::Deployment');
  if (!deploymentId) return;
  const deployment = resources[deploymentId];
  delete deployment.Properties.StageName;
  resources.ApiGatewayStage = {
    Type: 'AWS::ApiGateway::Stage',
    Properties: {
      RestApiId: deployment.Properties.RestApiId,
      DeploymentId: { Ref: deploymentId },
      StageName: stage,
      TracingEnabled: tracing,
      MethodSettings: [
        {
          HttpMethod: '*',
          ResourcePath: '/*',
          ThrottlingRateLimit: settings.throttleRateLimit,
          ThrottlingBurstLimit: settings.throttleBurstLimit,
        },
      ],
    },
  };
  // Anything that needs the stage to exist (base path mappings, usage plans) waits for it.
  for (const resource of Object.values(resources)) {
    if (!resource.DependsOn || resource === resources.ApiGatewayStage) continue;
    const dependsOn = [].concat(resource.DependsOn);
    if (dependsOn.includes(deploymentId) && resource.Type !== 'AWS::ApiGateway::Stage') {
      resource.DependsOn = [...new Set([...dependsOn, 'ApiGatewayStage'])];
    }
  }
}

/**
 * Return the alias logical ids that API integrations, invoke permissions and provisioned
 * concurrency of the function refer to, and the resources that refer to the function itself.
 */
function collectAliasTargets(resources, functionId, alias) {
  const aliasIds = new Set(
    Object.keys(resources).filter(
      (id) =>
        resources[id].Type === 'AWS::Lambda::Alias' &&
        refersTo(resources[id].Properties.FunctionName, functionId)
    )
  );
  const named = {};
  const unaliased = [];
  const consumerTypes = new Set([
    'AWS::Lambda::Permission',
    'AWS::ApiGateway::Method',
    'AWS::ApiGatewayV2::Integration',
    'AWS::Lambda::EventInvokeConfig',
  ]);
  for (const [id, resource] of Object.entries(resources)) {
    if (!consumerTypes.has(resource.Type)) continue;
    const body = resource.Properties;
    const aliases = [...aliasIds].filter((aliasId) => refersTo(body, aliasId));
    if (aliases.length > 0) named[id] = aliases;
    else if (refersTo(body, functionId)) unaliased.push(id);
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::ApplicationAutoScaling::ScalableTarget') continue;
    const scalesAlias = JSON.stringify(resource.Properties.ResourceId).endsWith(`:${alias}"}`);
    named[id] = [...aliasIds].filter(
      (aliasId) => scalesAlias && [].concat(resource.DependsOn || []).includes(aliasId)
    );
  }
  return { aliasIds: [...aliasIds], named, unaliased };
}

class ResiliencePlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.provider = serverless.getProvider('aws');
    this.hooks = {
      'before:package:initialize': () => this.validate(),
      'before:offline:start:init': () => this.validate(),
      'before:aws:package:finalize:saveServiceState': () => this.compile(),
    };
  }

  functionName() {
    const names = this.serverless.service
      .getAllFunctions()
      .filter((name) => this.serverless.service.getFunction(name).deploymentSettings);
    if (names.length !== 1) {
      throw new this.serverless.classes.Error(
        `plugins/resilience.js expects exactly one function with deploymentSettings, found ${names.length}.`
      );
    }
    return names[0];
  }

  settings() {
    const { service } = this.serverless;
    const name = this.functionName();
    try {
      return readSettings({
        stage: this.provider.getStage(),
        runtime: service.getFunction(name).runtime || service.provider.runtime,
        functionConfig: service.getFunction(name),
        custom: service.custom && service.custom.resilience,
      });
    } catch (error) {
      if (error instanceof ResilienceConfigError) {
        throw new this.serverless.classes.Error(error.message, 'RESILIENCE_CONFIG_INVALID');
      }
      throw error;
    }
  }

  validate() {
    this.settings();
  }

  compile() {
    const settings = this.settings();
    const { service } = this.serverless;
    const naming = this.provider.naming;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const functionId = naming.getLambdaLogicalId(this.functionName());
    const aliasId = `${functionId}Alias${settings.alias}`;
    const versionId = findLogicalId(
      resources,
      (r) => r.Type === 'AWS::Lambda::Version' && refersTo(r.Properties.FunctionName, functionId)
    );
    const fail = (message) => {
      throw new this.serverless.classes.Error(message, 'RESILIENCE_TEMPLATE_INVALID');
    };
    if (!resources[aliasId]) {
      fail(`The compiled template has no alias ${aliasId}; serverless-plugin-canary-deployments must run first.`);
    }

    // A metric with the ExecutedVersion dimension counts only the version this deployment publishes.
    for (const alarmId of (service.custom.resilience && service.custom.resilience.newVersionAlarms) || []) {
      const alarm = resources[alarmId];
      if (!alarm || alarm.Type !== 'AWS::CloudWatch::Alarm') {
        fail(`custom.resilience.newVersionAlarms names ${alarmId}, which is not an alarm in resources.`);
      }
      alarm.Properties.Dimensions = [
        ...alarm.Properties.Dimensions.filter((d) => d.Name !== 'ExecutedVersion'),
        { Name: 'ExecutedVersion', Value: { 'Fn::GetAtt': [versionId, 'Version'] } },
      ];
    }

    if (settings.snapStart) {
      resources[functionId].Properties.SnapStart = { ApplyOn: 'PublishedVersions' };
    }
    if (settings.provisionedMin > 0) {
      addProvisionedConcurrency(resources, { functionId, aliasId, alias: settings.alias, settings });
    }
    const tracing = service.provider.tracing;
    addRestStage(resources, {
      stage: this.provider.getStage(),
      settings,
      tracing: Boolean(tracing && tracing.apiGateway),
    });

    const { aliasIds, named, unaliased } = collectAliasTargets(resources, functionId, settings.alias);
    if (aliasIds.length !== 1) {
      fail(`The function has ${aliasIds.length} aliases (${aliasIds.join(', ')}); the API must invoke exactly one.`);
    }
    if (unaliased.length > 0) {
      fail(`${unaliased.join(', ')} invoke ${functionId} without the ${settings.alias} alias.`);
    }
    for (const [id, aliases] of Object.entries(named)) {
      if (aliases.length !== 1 || aliases[0] !== aliasIds[0]) {
        fail(`${id} does not name the alias ${aliasIds[0]}.`);
      }
    }
  }
}

module.exports = ResiliencePlugin;
