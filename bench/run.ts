import { autoscale } from './autoscale';
import { burst } from './burst';
import { fanout } from './fanout';
import { loadgen } from './loadgen';
import { pipeline } from './pipeline';
import { quality } from './quality';
import { recovery } from './recovery';
import { sagemaker } from './sagemaker';
import { scale } from './scale';
import { serving } from './serving';

/**
 * `npm run bench` runs every benchmark in turn but `quality` (RUN_BY_NAME_ONLY), in DESIGN.md §7's order (then
 * `burst`, a release behind 50 queued trainings, `scale`, the scaled-input one, and `sagemaker`, the SageMaker backend's on moto); `npm run bench -- <name> [args]` runs one,
 * with its arguments. Each prints one JSON object on stdout (progress goes
 * to stderr), so `npm run -s bench > results.json` keeps only the figures
 * (-s keeps npm's own header out).
 */
const BENCHMARKS: Record<string, (args: string[]) => Promise<unknown>> = {
  pipeline,
  fanout,
  serving,
  loadgen,
  autoscale,
  recovery,
  burst,
  scale,
  sagemaker,
  quality,
};

/**
 * Run by name only: `quality` trains hundreds of candidates per dataset
 * (30-90 minutes on 2 cores), which measures model quality, not the
 * orchestration's speed that §7's limit is about, so the run-all list leaves it out.
 */
const RUN_BY_NAME_ONLY = new Set(['quality']);

/** DESIGN.md §7: each benchmark stays under 5 minutes; one that does not is a failure to look at. */
const LIMIT_MS = 5 * 60_000;
/** Benchmarks outside §7's limit, with their own. */
const LIMITS_MS: Partial<Record<string, number>> = { quality: 4 * 60 * 60_000 };

async function main(): Promise<void> {
  const [name = '', ...args] = process.argv.slice(2);
  const names =
    name === '' ? Object.keys(BENCHMARKS).filter((each) => !RUN_BY_NAME_ONLY.has(each)) : [name];
  // The native worker's shutdown holds no event-loop handle of its own; without
  // this timer Node can exit mid-benchmark, silently, once nothing else is pending.
  const keepAlive = setInterval(() => undefined, 60_000);
  for (const benchmark of names) {
    const run = BENCHMARKS[benchmark];
    if (!run)
      throw new Error(
        `no benchmark '${benchmark}'; choose one of ${Object.keys(BENCHMARKS).join(', ')}`,
      );
    console.log(JSON.stringify(await withinLimit(benchmark, run(args)), null, 2));
  }
  clearInterval(keepAlive);
}

function withinLimit<T>(benchmark: string, running: Promise<T>): Promise<T> {
  const limitMs = LIMITS_MS[benchmark] ?? LIMIT_MS;
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `benchmark '${benchmark}' ran past ${limitMs / 60_000} minutes; ` +
              'run it alone on a quieter machine, or with smaller arguments',
          ),
        ),
      limitMs,
    );
  });
  return Promise.race([running, overrun]).finally(() => clearTimeout(timer));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  // Exiting also ends what an overrun benchmark left running: its child
  // processes are tied to this one (exitWithParent, isHostTiedToWorker).
  process.exit(1);
});
