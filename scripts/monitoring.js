// Serverless plugin (serverless.yml `plugins`): the skill's CloudWatch alarms, their SNS topic
// and a dashboard, added to each region's template from `custom.monitoring` and the locales of
// skill.json. The metrics are the ones skill/telemetry.py writes (EMF, namespace per stage,
// dimension sets `service` and `locale`) and Lambda's own Duration and Errors. What each alarm
// means and what to do: docs/operating.md.
'use strict';

const fs = require('fs');
const path = require('path');

const FUNCTION = 'SkillLambdaFunction';
const TOPIC = 'AlarmTopic';

function locales(servicePath) {
  const manifest = JSON.parse(fs.readFileSync(path.join(servicePath, 'skill.json'), 'utf8'));
  return Object.keys(manifest.manifest.publishingInformation.locales);
}

// A logical id part for a locale: en-US -> EnUS.
function idOf(locale) {
  return locale
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function metric(id, namespace, name, dimensions, stat, period) {
  return {
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: name,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: period,
      Stat: stat,
    },
  };
}

function alarm(settings, properties) {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      ActionsEnabled: true,
      AlarmActions: [{ Ref: TOPIC }],
      OKActions: [{ Ref: TOPIC }],
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      ...properties,
      AlarmName: `${settings.prefix}-${properties.AlarmName}`,
    },
  };
}

// Share in percent of `part` in `whole`, 0 while `whole` is under `minimum` (too few to judge).
function share(part, whole, minimum) {
  return `IF(${whole} >= ${minimum}, 100 * FILL(${part}, 0) / ${whole}, 0)`;
}

function alarms(settings, localeList) {
  const { namespace, service } = settings;
  const whole = { service };
  const resources = {
    ErrorRateAlarm: alarm(settings, {
      AlarmName: 'error-rate',
      AlarmDescription:
        `More than ${settings.errorRatePercent}% of requests failed (the skill apologised or ` +
        'gave no answer) in two 15-minute periods of three. docs/operating.md, "Alarms".',
      Threshold: settings.errorRatePercent,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: [
        metric('errors', namespace, 'Errors', whole, 'Sum', 900),
        metric('requests', namespace, 'Requests', whole, 'Sum', 900),
        {
          Id: 'rate',
          Label: 'Error rate (%)',
          Expression: share('errors', 'requests', settings.minimumRequests),
          ReturnData: true,
        },
      ],
    }),
    FunctionErrorsAlarm: alarm(settings, {
      AlarmName: 'function-errors',
      AlarmDescription:
        'The function crashed, timed out or was throttled: Alexa got no answer at all. ' +
        'docs/operating.md, "Alarms".',
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: FUNCTION } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
    }),
    SlowAnswersAlarm: alarm(settings, {
      AlarmName: 'p99-duration',
      AlarmDescription:
        `p99 duration above ${settings.p99DurationMs} ms in two 5-minute periods of three: ` +
        'Alexa gives up at 8 s, the function at 7 s. docs/operating.md, "Alarms".',
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: FUNCTION } }],
      ExtendedStatistic: 'p99',
      Unit: 'Milliseconds',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: settings.p99DurationMs,
    }),
  };
  for (const locale of localeList) {
    resources[`FallbackShare${idOf(locale)}Alarm`] = alarm(settings, {
      AlarmName: `fallback-share-${locale}`,
      AlarmDescription:
        `More than ${settings.fallbackSharePercent}% of ${locale} intent requests went to ` +
        'AMAZON.FallbackIntent in two hours of three. docs/operating.md, "Alarms".',
      Threshold: settings.fallbackSharePercent,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: [
        metric('fallback', namespace, 'Fallback', { locale }, 'Sum', 3600),
        metric('intents', namespace, 'IntentRequests', { locale }, 'Sum', 3600),
        {
          Id: 'share',
          Label: `Fallback share, ${locale} (%)`,
          Expression: share('fallback', 'intents', settings.minimumRequests),
          ReturnData: true,
        },
      ],
    });
  }
  return resources;
}

// The dashboard body, with ${...} placeholders for Fn::Sub.
function dashboardBody(settings, localeList, alarmIds) {
  const { namespace, service } = settings;
  const region = '${AWS::Region}';
  const fn = ['AWS/Lambda', 'Duration', 'FunctionName', '${Function}'];
  const at = (x, y, w, h) => ({ x, y, width: w, height: h });
  const widget = (position, title, properties) => ({
    type: 'metric',
    ...position,
    properties: { title, region, view: 'timeSeries', stacked: false, period: 300, ...properties },
  });
  const perLocale = (name, hidden) =>
    localeList.map((locale, i) => [
      namespace,
      name,
      'locale',
      locale,
      { id: `${hidden}${i}`, visible: false, stat: 'Sum', period: 3600 },
    ]);
  return {
    widgets: [
      {
        type: 'alarm',
        ...at(0, 0, 24, 3),
        properties: { title: 'Alarms', alarms: alarmIds.map((id) => `\${${id}}`) },
      },
      widget(at(0, 3, 12, 6), 'Requests and errors (all locales)', {
        stat: 'Sum',
        metrics: [
          [namespace, 'Requests', 'service', service],
          [namespace, 'Errors', 'service', service],
          ['AWS/Lambda', 'Errors', 'FunctionName', '${Function}', { label: 'Function errors' }],
        ],
      }),
      widget(at(12, 3, 12, 6), 'Error rate (%)', {
        period: 900,
        metrics: [
          [namespace, 'Errors', 'service', service, { id: 'e', visible: false, stat: 'Sum' }],
          [namespace, 'Requests', 'service', service, { id: 'r', visible: false, stat: 'Sum' }],
          [{ expression: share('e', 'r', settings.minimumRequests), label: 'Error rate', id: 'rate' }],
        ],
        annotations: { horizontal: [{ label: 'alarm', value: settings.errorRatePercent }] },
      }),
      widget(at(0, 9, 12, 6), "Duration against Alexa's 8 s", {
        metrics: [
          [...fn, { stat: 'p99', label: 'Lambda duration p99' }],
          [...fn, { stat: 'p50', label: 'Lambda duration p50' }],
          [namespace, 'HandlerLatency', 'service', service, { stat: 'p99', label: 'handler p99' }],
        ],
        annotations: {
          horizontal: [
            { label: "Alexa's limit", value: 8000 },
            { label: 'alarm', value: settings.p99DurationMs },
          ],
        },
      }),
      widget(at(12, 9, 12, 6), 'Fallback share by locale (%)', {
        period: 3600,
        metrics: [
          ...perLocale('Fallback', 'f'),
          ...perLocale('IntentRequests', 'n'),
          ...localeList.map((locale, i) => [
            { expression: share(`f${i}`, `n${i}`, 1), label: locale, id: `s${i}` },
          ]),
        ],
        annotations: { horizontal: [{ label: 'alarm', value: settings.fallbackSharePercent }] },
      }),
      widget(at(0, 15, 12, 6), 'Red-flag answers by locale', {
        stat: 'Sum',
        period: 3600,
        metrics: localeList.map((locale) => [namespace, 'RedFlag', 'locale', locale]),
      }),
      widget(at(12, 15, 12, 6), 'Cold starts and requests by locale', {
        stat: 'Sum',
        period: 3600,
        metrics: [
          [namespace, 'ColdStart', 'service', service],
          ...localeList.map((locale) => [namespace, 'Requests', 'locale', locale]),
        ],
      }),
      {
        type: 'log',
        ...at(0, 21, 24, 8),
        properties: {
          title: 'Requests by type and intent, per locale (last period, from the EMF records)',
          region,
          view: 'table',
          query:
            "SOURCE '/aws/lambda/${Function}' | filter ispresent(request.type)" +
            ' | stats count(*) as requests by locale, request.type, request.intent' +
            ' | sort requests desc | limit 100',
        },
      },
    ],
  };
}

function monitoringResources(settings, localeList) {
  const resources = alarms(settings, localeList);
  const alarmIds = Object.keys(resources);
  resources[TOPIC] = {
    Type: 'AWS::SNS::Topic',
    Properties: { TopicName: `${settings.prefix}-alarms`, DisplayName: 'Leg Cramp Helper alarms' },
  };
  resources.Dashboard = {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      // Dashboard names are global to the account, not regional: the region is in the name.
      DashboardName: { 'Fn::Sub': `${settings.prefix}-\${AWS::Region}` },
      DashboardBody: {
        'Fn::Sub': [
          JSON.stringify(dashboardBody(settings, localeList, alarmIds)),
          {
            Function: { Ref: FUNCTION },
            ...Object.fromEntries(alarmIds.map((id) => [id, { 'Fn::GetAtt': [id, 'Arn'] }])),
          },
        ],
      },
    },
  };
  if (settings.alarmEmail) {
    resources.AlarmEmailSubscription = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: TOPIC }, Protocol: 'email', Endpoint: settings.alarmEmail },
    };
  }
  const outputs = {
    AlarmTopicArn: {
      Description: 'Where the alarms go: subscribe to it (docs/operating.md)',
      Value: { Ref: TOPIC },
    },
  };
  return { resources, outputs };
}

class Monitoring {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.addResources() };
  }

  addResources() {
    const { service } = this.serverless;
    const settings = service.custom.monitoring;
    const template = service.provider.compiledCloudFormationTemplate;
    const { resources, outputs } = monitoringResources(
      settings,
      locales(this.serverless.serviceDir || this.serverless.config.servicePath),
    );
    Object.assign(template.Resources, resources);
    template.Outputs = { ...(template.Outputs || {}), ...outputs };
  }
}

module.exports = Monitoring;
module.exports.monitoringResources = monitoringResources;
