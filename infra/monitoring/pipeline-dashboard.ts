import { Duration, aws_cloudwatch as cloudwatch } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { INSIGHTS_QUERIES } from '../../shared/insights-queries.ts';
import { METRICS } from '../../shared/metric-names.ts';
import {
  type MonitoredPipeline,
  functionDurationP99,
  functionErrors,
  messagesVisible,
  oomKillsByNamespace,
  pipelineMetric,
} from './pipeline-metrics.ts';

/** The dashboard's name, which notify links from each alert too. */
export function dashboardNameOf(clusterName: string): string {
  return `eks-oom-alerts-${clusterName}`;
}

/**
 * One dashboard per cluster: kills, parser and enrichment counts, function health and queues, two saved queries
 * on the events log group, and the alarms.
 */
export function createPipelineDashboard(
  scope: Construct,
  pipeline: MonitoredPipeline,
  alarms: readonly cloudwatch.IAlarm[],
): cloudwatch.Dashboard {
  const period = Duration.minutes(5);
  const { clusterName } = pipeline;
  const functions = Object.values(pipeline.functions);

  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    dashboardName: dashboardNameOf(clusterName),
  });
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'OOM kills', left: [oomKillsByNamespace(clusterName)], width: 8 }),
    new cloudwatch.GraphWidget({
      title: 'Parser',
      left: [METRICS.killsParsed, METRICS.incompleteReports, METRICS.malformedPayloads].map((name) =>
        pipelineMetric(clusterName, 'parse', name, period),
      ),
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Format drift and enrichment',
      left: [
        pipelineMetric(clusterName, 'parse', METRICS.unrecognisedOomLines, period),
        pipelineMetric(clusterName, 'enrich', METRICS.enrichmentUnavailable, period),
        pipelineMetric(clusterName, 'enrich', METRICS.duplicatesSkipped, period),
        pipelineMetric(clusterName, 'enrich', METRICS.unverifiedDuplicates, period),
      ],
      width: 8,
    }),
  );
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'Function errors', left: functions.map(functionErrors), width: 8 }),
    new cloudwatch.GraphWidget({
      title: 'Function duration (p99)',
      left: functions.map(functionDurationP99),
      width: 8,
    }),
    new cloudwatch.GraphWidget({
      title: 'Queues',
      left: [messagesVisible(pipeline.eventsQueue, 'events waiting')],
      right: Object.entries(pipeline.deadLetterQueues).map(([name, queue]) =>
        messagesVisible(queue, `${name} DLQ`),
      ),
      width: 8,
    }),
  );
  dashboard.addWidgets(
    savedQueryWidget(pipeline, 'top-workloads'),
    savedQueryWidget(pipeline, 'kills-by-namespace'),
  );
  dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24 }));
  return dashboard;
}

/** A saved query of shared/insights-queries.ts, run on the events log group. */
function savedQueryWidget(pipeline: MonitoredPipeline, name: string): cloudwatch.LogQueryWidget {
  const query = INSIGHTS_QUERIES.find((candidate) => candidate.name === name);
  if (!query) throw new Error(`no saved query named ${name}`);
  return new cloudwatch.LogQueryWidget({
    title: query.description,
    logGroupNames: [pipeline.eventsLogGroup.logGroupName],
    queryString: query.queryString,
    width: 12,
    height: 8,
  });
}
