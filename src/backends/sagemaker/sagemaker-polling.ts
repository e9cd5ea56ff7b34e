import type { PollSchedule } from '../../shared/poll-schedule';

/**
 * Training jobs and endpoints take minutes; a read every 15 s at most keeps
 * a run to a few calls a minute (DescribeEndpoint and its kin are rate
 * limited per account), and notices the end within 15 s. The AWS SDK's own
 * waiters start at 30 s (endpoints) and 120 s (training jobs).
 */
export const SAGEMAKER_POLLING: PollSchedule = { firstMs: 1_000, maxMs: 15_000 };
