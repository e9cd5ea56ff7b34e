import { Option, type Command } from 'commander';
import { maxConcurrentTrainings, parseWorkerRole, WORKER_ROLES } from '../../temporal/worker-role';
import { runWorkerProcess } from '../../worker';

interface WorkerOptions {
  role: string;
  maxTrainings?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run a Ferry worker against the Temporal server in TEMPORAL_ADDRESS until SIGINT or SIGTERM: control work (workflows, registry, deploy, load test), training, or both',
    )
    .addOption(
      new Option('--role <role>', 'which task queues to poll').choices(WORKER_ROLES).default('all'),
    )
    .option(
      '--max-trainings <count>',
      'training-queue activities at once (default: FERRY_MAX_CONCURRENT_TRAININGS, then one per core)',
    )
    .action(async (options: WorkerOptions) => {
      await runWorkerProcess({
        role: parseWorkerRole(options.role),
        maxConcurrentTrainings:
          options.maxTrainings === undefined
            ? maxConcurrentTrainings(process.env.FERRY_MAX_CONCURRENT_TRAININGS)
            : maxConcurrentTrainings(options.maxTrainings, '--max-trainings'),
      });
    });
}
