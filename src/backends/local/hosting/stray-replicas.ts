import { stopProcessGroup } from '../../../shared/process-group';
import type { EndpointStore, RecordedReplica } from './endpoint-store';
import { hostLog } from './host-log';
import { processIdentity } from './process-identity';

/** A replica stops on SIGTERM in milliseconds; one that does not is killed after this. */
const STOP_GRACE_MS = 5_000;

/**
 * Ends the replicas an earlier host recorded and never saw exit. A replica
 * normally follows its host on its own (its stdin closes), but one that
 * cannot (its pipe held open by another process, or its watching thread
 * starved by native code that never lets go of the GIL) would keep its port,
 * memory and model for good, next to the new replicas of the endpoint it
 * served. So a starting host ends them before it restores endpoints. A
 * recorded pid whose process started at another time belongs to someone
 * else now and is left alone.
 */
export async function endStrayReplicas(store: EndpointStore): Promise<RecordedReplica[]> {
  // `replicaPid`, not `pid`: that field of every line is the host's own.
  const log = hostLog();
  const ended = await Promise.all(
    store.recordedReplicas().map(async (recorded) => {
      const now = processIdentity(recorded.pid);
      const isStray = now?.startId === recorded.startId;
      if (now && !isStray) {
        log.info(
          { replicaPid: recorded.pid, endpoint: recorded.endpoint, replica: recorded.replica },
          "a recorded replica's pid now belongs to another process; left alone",
        );
      }
      if (isStray) {
        try {
          // startReplica makes each replica lead its own group; anything it started is in it.
          if (now.pgid === recorded.pid) await stopProcessGroup(recorded.pid, STOP_GRACE_MS);
          else process.kill(recorded.pid, 'SIGKILL');
          log.warn(
            { replicaPid: recorded.pid, endpoint: recorded.endpoint, replica: recorded.replica },
            'ended a stray replica left running by an earlier host',
          );
        } catch (error) {
          log.error(
            { err: error, replicaPid: recorded.pid, endpoint: recorded.endpoint },
            'could not end a stray replica of an earlier host',
          );
        }
      }
      store.forgetReplica(recorded.pid);
      return isStray ? [recorded] : [];
    }),
  );
  return ended.flat();
}
