import { ferryHome } from '../../../shared/project-paths';
import { hostLog } from './host-log';
import { runHost } from './run-host';

/**
 * The host's own entry point, for `ensureHost`: it loads only the hosting
 * code, so a host starts in about a second (`ferry host` is the same for people).
 */
if (require.main === module) {
  runHost({
    home: ferryHome(),
    exitWithParent: process.argv.includes('--exit-with-parent'),
    // In the background host.log is the only reader: the structured lines say it all.
    log: () => undefined,
  }).catch((error: unknown) => {
    // ensureHost quotes the end of host.log when a start fails, so the message leads the line.
    hostLog().fatal(
      { err: error },
      `ferry host: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
