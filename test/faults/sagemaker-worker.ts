/**
 * A Ferry worker for the SageMaker backend in its own process, so that a
 * fault test can kill it: its AWS clients go to moto (AWS_ENDPOINT_URL) with
 * the stand-ins for what moto does not do, each rebuilt from moto's state
 * when a new worker takes over:
 *   - the training container (test/fixtures/training-container-stand-in.ts),
 *     which resumes a job a killed worker's stand-in was running;
 *   - endpoints that stay Creating for FERRY_TEST_ENDPOINT_CREATING_SECONDS.
 *   node -r tsx/cjs test/faults/sagemaker-worker.ts --home=<home>
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { createAwsClients } from '../../src/backends/sagemaker/aws-clients';
import { installWorkerLogging } from '../../src/temporal/worker-logging';
import { createFerryWorker } from '../../src/worker';
import { holdEndpointsCreating } from '../fixtures/sagemaker-middleware';
import { attachTrainingContainerStandIn } from '../fixtures/training-container-stand-in';

async function main(): Promise<void> {
  installWorkerLogging();
  const home = process.env.FERRY_HOME ?? '';
  const clients = createAwsClients(process.env.AWS_REGION);
  const workRoot = path.join(home, 'containers');
  mkdirSync(workRoot, { recursive: true });
  const standIn = attachTrainingContainerStandIn(clients.sagemaker, clients.s3, {
    workRoot,
    resumesJobsItDidNotStart: true,
  });
  holdEndpointsCreating(
    clients.sagemaker,
    Number(process.env.FERRY_TEST_ENDPOINT_CREATING_SECONDS),
  );
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
  // The SDK's runtime stops the worker on SIGTERM.
  const worker = await createFerryWorker({
    connection,
    home,
    awsClients: () => clients,
    identityEnv: {},
  });
  try {
    await worker.run();
  } finally {
    await standIn.close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
