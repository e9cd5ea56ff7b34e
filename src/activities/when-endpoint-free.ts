import { EndpointBusy, type EndpointDescription, type Hosting } from '../backends/hosting';
import { nextPollMs, pause } from '../shared/poll-schedule';
import type { startHeartbeats } from './heartbeat';

type Heartbeats = ReturnType<typeof startHeartbeats<Partial<EndpointDescription>>>;

/**
 * Runs `request` once the endpoint takes it: while another rollout moves the
 * endpoint (a local blue/green, a SageMaker endpoint `Creating` or
 * `Updating` for minutes), the backend answers EndpointBusy and this waits,
 * heartbeating, until the activity's own timeout or cancellation.
 */
export async function whenEndpointFree<T>(
  hosting: Hosting,
  heartbeats: Heartbeats,
  request: () => Promise<T>,
): Promise<T> {
  for (let waitMs = hosting.rolloutPolling.firstMs; ;) {
    try {
      return await request();
    } catch (error) {
      if (!(error instanceof EndpointBusy)) throw error;
      heartbeats.onProgress({ status: 'Updating', lastFailure: undefined });
      heartbeats.signal.throwIfAborted();
      await pause(waitMs, heartbeats.signal);
      heartbeats.signal.throwIfAborted();
      waitMs = nextPollMs(waitMs, hosting.rolloutPolling);
    }
  }
}
