import {
  DescribeScalingActivitiesCommand,
  type ApplicationAutoScalingClient,
  type ScalingActivity as AwsScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ScalingActivity } from '../hosting';
import { awsCall } from './aws-errors';
import { scalingResourceId } from './scaling-target';
import { FAILURE } from '../../shared/failure-types';

/**
 * The endpoint's size changes since `since` (ISO time), oldest first, as
 * Application Auto Scaling recorded them. Only successful changes count: a
 * failed or cancelled one did not change the size.
 */
async function describeScalingActivities(
  autoscaling: ApplicationAutoScalingClient,
  endpoint: string,
  since?: string,
): Promise<ScalingActivity[]> {
  const sinceMs = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  const raw: AwsScalingActivity[] = [];
  let NextToken: string | undefined;
  do {
    const page = await awsCall('DescribeScalingActivities', `endpoint ${endpoint}`, () =>
      autoscaling.send(
        new DescribeScalingActivitiesCommand({
          ServiceNamespace: 'sagemaker',
          ResourceId: scalingResourceId(endpoint),
          ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
          NextToken,
        }),
      ),
    );
    raw.push(...(page.ScalingActivities ?? []));
    NextToken = page.NextToken;
    // AWS lists newest first: once a page reaches past `since`, older pages cannot matter.
  } while (NextToken && raw.every((a) => (a.StartTime?.getTime() ?? 0) >= sinceMs));
  return toScalingActivities(endpoint, raw, sinceMs);
}

export function toScalingActivities(
  endpoint: string,
  raw: AwsScalingActivity[],
  sinceMs = Number.NEGATIVE_INFINITY,
): ScalingActivity[] {
  const done = raw
    .filter((a) => a.StatusCode === 'Successful' && a.StartTime)
    .sort((a, b) => (a.StartTime?.getTime() ?? 0) - (b.StartTime?.getTime() ?? 0));
  const activities: ScalingActivity[] = [];
  let lastSize: number | undefined;
  for (const activity of done) {
    const text = `${activity.Description ?? ''} ${activity.Cause ?? ''}`;
    const toReplicas = countIn(text, /to (\d+)/i);
    if (toReplicas === undefined) continue;
    // "Setting desired instance count to 2." names only the new size; the
    // old one is the previous activity's, or the text's own "from N" if any.
    const fromReplicas = countIn(text, /from (\d+)/i) ?? lastSize ?? toReplicas;
    lastSize = toReplicas;
    const at = activity.EndTime ?? activity.StartTime;
    if ((activity.StartTime?.getTime() ?? 0) < sinceMs || !at) continue;
    activities.push({
      at: at.toISOString(),
      endpoint,
      fromReplicas,
      toReplicas,
      cause: activity.Cause ?? activity.Description ?? 'unknown',
    });
  }
  return activities;
}

function countIn(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * scalingActivities for the run report: an emulator without
 * DescribeScalingActivities (moto answers HTTP 500) must not stop the report
 * from being written, so that one failure becomes "no activity", said once
 * in the activity's log. Every other failure still throws.
 */
export async function scalingActivitiesOrNone(
  autoscaling: ApplicationAutoScalingClient,
  endpoint: string,
  since: string | undefined,
  warned: { isWarned: boolean },
): Promise<ScalingActivity[]> {
  try {
    return await describeScalingActivities(autoscaling, endpoint, since);
  } catch (error) {
    if (!(error instanceof ApplicationFailure) || error.type !== FAILURE.sageMakerUnsupported) {
      throw error;
    }
    if (!warned.isWarned && isInActivity()) {
      warned.isWarned = true;
      log.warn('scaling activities unavailable; the report shows none', {
        endpoint,
        reason: error.message,
      });
    }
    return [];
  }
}

/** `log` from @temporalio/activity works only inside an activity; elsewhere there is no one to tell. */
function isInActivity(): boolean {
  try {
    Context.current();
    return true;
  } catch {
    return false;
  }
}
