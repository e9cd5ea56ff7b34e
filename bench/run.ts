import { autoscale } from './autoscale';
import { fanout } from './fanout';
import { pipeline } from './pipeline';
import { recovery } from './recovery';
import { serving } from './serving';

/** `npm run bench -- <name> [args]`: one benchmark, JSON on stdout (progress on stderr). */
const BENCHMARKS: Record<string, (args: string[]) => Promise<unknown>> = {
  pipeline,
  fanout,
  serving,
  autoscale,
  recovery,
};

async function main(): Promise<void> {
  const [name = '', ...args] = process.argv.slice(2);
  const names = name === '' ? Object.keys(BENCHMARKS) : [name];
  // The native worker's shutdown holds no event-loop handle of its own; without
  // this timer Node can exit mid-benchmark, silently, once nothing else is pending.
  const keepAlive = setInterval(() => undefined, 60_000);
  for (const benchmark of names) {
    const run = BENCHMARKS[benchmark];
    if (!run)
      throw new Error(
        `no benchmark '${benchmark}'; choose one of ${Object.keys(BENCHMARKS).join(', ')}`,
      );
    console.log(JSON.stringify(await run(args), null, 2));
  }
  clearInterval(keepAlive);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
