import type { Command } from 'commander';
import { readApiConfig } from '../../api/api-config';
import { buildApiServer } from '../../api/server';
import { connectClient } from '../../temporal/client';
import { ferryHome } from '../../shared/project-paths';
import { ferryTaskQueue } from '../../temporal/task-queues';

interface ApiOptions {
  host?: string;
  port?: string;
}

/** `ferry api`: the HTTP API in the foreground until Ctrl-C (src/api). */
export function registerApi(program: Command): void {
  program
    .command('api')
    .description('serve every ferry operation over HTTP (OpenAPI document at /openapi.json)')
    .option('--host <address>', 'address to bind (default: FERRY_API_HOST, else 127.0.0.1)')
    .option('--port <port>', 'port (default: FERRY_API_PORT, else 0: any free port)')
    .action(async (options: ApiOptions) => {
      // Configuration first: a bad FERRY_API_TOKENS fails before anything connects.
      const config = readApiConfig(process.env, options);
      const { client, close } = await connectClient();
      const taskQueue = ferryTaskQueue();
      const app = await buildApiServer({
        client,
        taskQueue,
        home: ferryHome(),
        tokens: config.tokens,
        readsNeedToken: config.readsNeedToken,
        admins: config.admins,
        oidc: config.oidc,
        bodyLimitBytes: config.bodyLimitBytes,
        dataRoots: config.dataRoots,
        logger: {
          level: logLevel(process.env.FERRY_LOG_LEVEL),
          // Fastify's request log has no headers; this keeps it so if that changes.
          redact: ['req.headers.authorization'],
        },
        disableRequestLogging: true,
      });
      try {
        const url = await app.listen({ host: config.host, port: config.port });
        const people = new Set(config.tokens.map((token) => token.person));
        console.log(`Ferry API  ${url}`);
        console.log(`OpenAPI    ${url}/openapi.json`);
        console.log(
          `runs on task queue '${taskQueue}'; writes need a token (${people.size} ${people.size === 1 ? 'person' : 'people'}: ${[...people].join(', ')}); reads ${config.readsNeedToken ? 'need one too' : 'are open'}`,
        );
        console.log(
          config.dataRoots.length > 0
            ? `datasets: local files under ${config.dataRoots.join(', ')} (FERRY_DATA_ROOTS), or s3:// URIs`
            : 'datasets: s3:// URIs only (set FERRY_DATA_ROOTS to accept local files under those folders)',
        );
        await untilStopped();
        console.log('Stopping the API...');
      } finally {
        await app.close();
        await close();
      }
    });
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** FERRY_LOG_LEVEL as the worker reads it (TRACE..ERROR, any case); info when unset or unknown. */
function logLevel(text: string | undefined): string {
  const level = (text ?? '').toLowerCase();
  return LOG_LEVELS.includes(level) ? level : 'info';
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
