import { fanout } from './fanout';

/** `npm run bench -- <name> [args]`: one benchmark, JSON on stdout (progress on stderr). */
const BENCHMARKS: Record<string, (args: string[]) => Promise<unknown>> = { fanout };

async function main(): Promise<void> {
  const [name = '', ...args] = process.argv.slice(2);
  const names = name === '' ? Object.keys(BENCHMARKS) : [name];
  for (const benchmark of names) {
    const run = BENCHMARKS[benchmark];
    if (!run)
      throw new Error(
        `no benchmark '${benchmark}'; choose one of ${Object.keys(BENCHMARKS).join(', ')}`,
      );
    console.log(JSON.stringify(await run(args), null, 2));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
