import { readFile } from 'node:fs/promises';
import { ApplicationFailure } from '@temporalio/activity';
import { parse } from 'csv-parse/sync';
import { InvocationRefused, type EndpointInvoker } from '../backends/endpoint-invoker';
import { judgeSlo, runLoadTest, type LoadProgress } from '../loadtest';
import type { BackendResolver } from '../backends/backend-resolver';
import type { LoadTestEndpointInput, LoadTestOutcome } from '../workflows/release-definitions';
import { startHeartbeats } from './heartbeat';
import type { RunFiles } from './run-files';
import { FAILURE } from '../shared/failure-types';

const CONTENT_TYPE = 'application/json';

/**
 * loadTest: one request first (the sample prediction the report and the
 * demo show, and proof the endpoint answers), then open-loop load at the
 * configured phases, judged against the SLO. Heartbeats carry the progress.
 * Nothing is created, so a retry simply measures again.
 */
export function createLoadTestEndpoint(backends: BackendResolver, files: RunFiles) {
  return async function loadTestEndpoint(input: LoadTestEndpointInput): Promise<LoadTestOutcome> {
    const { hosting, openInvoker } = backends.of(input.backend);
    const endpoint = await hosting.describe(input.endpoint);
    // Updating still serves (the old replicas answer until the new ones take over).
    if (!endpoint?.current) {
      throw ApplicationFailure.nonRetryable(
        `endpoint ${input.endpoint} is ${endpoint?.status ?? 'missing'}; a load test needs it serving`,
        FAILURE.loadTest,
      );
    }
    const validation = await files.channelFile(
      input.sampleChannel,
      'validation.csv',
      input.backend,
    );
    const body = JSON.stringify({ instances: await sampleRows(validation, input.target) });
    const invoker = openInvoker({
      endpoint: input.endpoint,
      url: endpoint.url,
      body,
      contentType: CONTENT_TYPE,
      accept: CONTENT_TYPE,
      timeoutMs: input.loadTest.requestTimeoutMs,
    });
    const heartbeats = startHeartbeats<LoadProgress | { phase: string }>({ phase: 'sample' });
    try {
      const response = await samplePrediction(invoker);
      const result = await runLoadTest(input.loadTest, (signal) => invoker.send(signal), {
        onProgress: (progress) => heartbeats.onProgress(progress),
        signal: heartbeats.signal,
      });
      return {
        result,
        verdict: judgeSlo(result, input.loadTest.slo),
        sample: { contentType: CONTENT_TYPE, request: body, response },
      };
    } finally {
      heartbeats.stop();
      invoker.close();
    }
  };
}

/** The first row of the validation split without its target: what a caller of the endpoint would send. */
async function sampleRows(file: string, target: string): Promise<Record<string, string>[]> {
  const text = await readFile(file, 'utf8');
  const rows = parse<Record<string, string>>(text, {
    columns: true,
    to: 1,
    skip_empty_lines: true,
  });
  return rows.map(({ [target]: _target, ...features }) => features);
}

/** One request first: the sample the report shows. A refused request (4xx) is the model or request at fault, which no retry fixes. */
async function samplePrediction(invoker: EndpointInvoker): Promise<string> {
  try {
    return await invoker.invokeOnce();
  } catch (error) {
    if (error instanceof InvocationRefused)
      throw ApplicationFailure.nonRetryable(
        `the sample row was refused: ${error.message}`,
        FAILURE.loadTest,
      );
    throw error;
  }
}
