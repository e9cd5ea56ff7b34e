import { ferryHome } from '../../../shared/project-paths';
import { runHost } from './run-host';

/**
 * The host's own entry point, for `ensureHost`: it loads only the hosting
 * code, so a host starts in about a second (`ferry host` is the same for people).
 */
if (require.main === module) {
  runHost({ home: ferryHome(), exitWithParent: process.argv.includes('--exit-with-parent') }).catch(
    (error: unknown) => {
      console.error(`ferry host: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
