import type { AwsClients } from './aws-clients';
import type { SageMakerSettings } from '../sagemaker-settings';

/** The region the backend works in: the pipeline's, else the client's (AWS_REGION). */
export async function resolveRegion(
  clients: AwsClients,
  settings: Pick<SageMakerSettings, 'region'> | undefined,
): Promise<string> {
  return settings?.region ?? (await clients.sagemaker.config.region());
}

/**
 * Where an endpoint answers InvokeEndpoint: SageMaker Runtime's address for
 * the region, or the emulator's when the SDK is pointed at one (the SDK's
 * own AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME, then AWS_ENDPOINT_URL), so the URL
 * names the service the runtime client really calls.
 */
export function runtimeUrl(region: string, endpoint: string): string {
  const base =
    process.env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME ??
    process.env.AWS_ENDPOINT_URL ??
    `https://runtime.sagemaker.${region}.amazonaws.com`;
  return `${base.replace(/\/+$/, '')}/endpoints/${encodeURIComponent(endpoint)}`;
}
