import type { FastifySchemaCompiler } from 'fastify';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { PipelineConfig } from '../../config/pipeline-schema';
import type { ConfigProblem } from '../../config/problem';
import { validatePipeline } from '../../config/validate-pipeline';
import { checkRunRights } from '../../policy/run-rights';
import { startValidatedRun } from '../../temporal/start-run';
import { endpointOf } from '../../workflows/steps/endpoint-of';
import { signerOf, type ApiContext } from '../api-context';
import { actingPerson, securityFor } from '../auth';
import { ApiError, describeProblems } from '../errors';
import { listRuns, viewRun } from '../run-view';
import {
  errorResponses,
  listRunsQuery,
  pipelineBodySchema,
  runIdParams,
  runListSchema,
  runSchema,
  startedRunSchema,
} from '../schemas';

/**
 * POST /runs takes its body as it came: validatePipeline checks it as
 * `ferry validate` checks a file (structure, cross-field rules, the dataset
 * on disk, every problem at once), which the schema alone cannot. The schema
 * still documents the body in the OpenAPI document.
 */
const bodyAsSent: FastifySchemaCompiler<unknown> = () => (data: unknown) => ({ value: data });

/** Start a run, list runs, read one. */
export function runRoutes(context: ApiContext): FastifyPluginCallbackZod {
  const { client, taskQueue, readsNeedToken } = context;
  return (app, _options, done) => {
    app.post(
      '/runs',
      {
        config: { access: 'write' },
        validatorCompiler: bodyAsSent,
        schema: {
          summary: 'Start a run of a pipeline',
          description:
            "The body is a pipeline as a pipeline file would hold it, in JSON. It is validated like `ferry validate` (a bad one gets 400 with every problem, and starts nothing); a run into a model group or endpoint that belongs to others gets 403. The authenticated person (API token or ID token) is who started the run: the API signs the run's start credential for them. A local dataset path must be inside the API's data roots (FERRY_DATA_ROOTS; unset, only s3:// URIs are accepted); a relative one is read from the API server's working folder.",
          tags: ['runs'],
          body: pipelineBodySchema,
          response: { 201: startedRunSchema, ...errorResponses(400, 401, 403, 413, 415) },
          ...securityFor('write', readsNeedToken),
        },
      },
      async (request, reply) => {
        const startedBy = actingPerson(request);
        // The raw body (see bodyAsSent), not yet a config whatever its static type says.
        const raw: unknown = request.body;
        const validation = await validatePipeline(raw, {
          baseDir: context.baseDir,
          dataRoots: context.dataRoots,
        });
        if (!validation.ok) {
          const problems = validation.problems.map((p) => overApi(p, context.baseDir));
          throw new ApiError(
            400,
            'InvalidPipeline',
            `the pipeline is not valid, so nothing was started: ${describeProblems(problems).replace(/\n/g, ' | ')}`,
            problems,
          );
        }
        await refuseWithoutRights(context, validation.config, startedBy);
        const { runId, config } = await startValidatedRun(client, validation.config, {
          starter: signerOf(context, startedBy),
          baseDir: context.baseDir,
          taskQueue,
        });
        request.log.info({ runId, startedBy }, 'run started');
        return reply
          .code(201)
          .header('location', `/runs/${runId}`)
          .send({ runId, startedBy, modelGroup: config.modelGroup });
      },
    );

    app.get(
      '/runs',
      {
        config: { access: 'read' },
        schema: {
          summary: 'Recent runs, newest first',
          description:
            "From Temporal's visibility store: runs on this server's task queue with their status and FerryStage.",
          tags: ['runs'],
          querystring: listRunsQuery,
          response: { 200: runListSchema, ...errorResponses(400, 401) },
          ...securityFor('read', readsNeedToken),
        },
      },
      async (request) => ({ runs: await listRuns(client, taskQueue, request.query) }),
    );

    app.get(
      '/runs/:id',
      {
        config: { access: 'read' },
        schema: {
          summary: "A run's stage, candidates, leaderboard, decision trail and release",
          description:
            'What `ferry status --json` shows; poll it to watch a run. A closed run adds its outcome (or failure).',
          tags: ['runs'],
          params: runIdParams,
          response: { 200: runSchema, ...errorResponses(400, 401, 404) },
          ...securityFor('read', readsNeedToken),
        },
      },
      async (request) => viewRun(client, taskQueue, request.params.id),
    );
    done();
  };
}

/**
 * A run into another owner's model group or endpoint gets 403 before it
 * starts (the workflow checks again, on the backend it runs on). The API's
 * registry and hosting are the local backend's, so only local runs are
 * checked here.
 */
async function refuseWithoutRights(
  context: ApiContext,
  config: PipelineConfig,
  person: string,
): Promise<void> {
  if (config.backend !== 'local') return;
  const rights = await checkRunRights(
    { registry: context.registry(), hosting: context.hosting },
    { group: config.modelGroup, endpoint: endpointOf(config), person },
  );
  if (!rights.ok) {
    throw new ApiError(403, 'NotOwner', `nothing was started: ${rights.reason}`);
  }
}

/** A relative dataset path is read from the server's folder here, not from a pipeline file's. */
function overApi(problem: ConfigProblem, baseDir: string): ConfigProblem {
  if (problem.path !== 'dataset.path') return problem;
  return {
    ...problem,
    fix: problem.fix.replace(
      "a relative path is read from the pipeline file's folder",
      `over the API a relative path is read from the server's folder (${baseDir}); an absolute path is safest`,
    ),
  };
}
