import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { sendDecision } from '../../temporal/run-control';
import { signerOf, type ApiContext } from '../api-context';
import { actingPerson, securityFor } from '../auth';
import { ApiError } from '../errors';
import { findRun } from '../run-view';
import { decisionOnEndedRun } from '../../temporal/run-ending';
import { decisionBodySchema, decisionSchema, errorResponses, runIdParams } from '../schemas';

/**
 * Approve and reject: the same Temporal update as `ferry approve`, with a
 * credential in which the API vouches for the authenticated person (API
 * token or ID token). The run verifies it and holds the person to the
 * group's approval policy; a refusal is 409 with the run's words.
 */
export function decisionRoutes(context: ApiContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    for (const action of ['approve', 'reject'] as const) {
      app.post(
        `/runs/:id/${action}`,
        {
          config: { access: 'write' },
          schema: {
            summary: `${action === 'approve' ? 'Approve' : 'Reject'} the model of a run that waits for a decision`,
            description:
              'The authenticated person (API token or ID token) decides; a body cannot name another. The run verifies the API\'s credential for them and applies the group\'s approval policy (or, for a group without one, the run file\'s approval section): an approver or member of a named group, not the person who started the run (unless allowed), a message for a rejection, each person once, until the quorum is reached. A refused decision is 409 with the reason; so is a decision on a run that has ended ("run <id> ended deployed", "ended failed: <cause>"). The answer says how far the quorum is.',
            tags: ['runs'],
            params: runIdParams,
            body: decisionBodySchema,
            response: { 200: decisionSchema, ...errorResponses(400, 401, 404, 409) },
            ...securityFor('write', context.readsNeedToken),
          },
        },
        async (request) => {
          const approver = actingPerson(request);
          const { id } = request.params;
          const { handle, description } = await findRun(context.client, context.taskQueue, id);
          const ended = async () =>
            new ApiError(409, 'DecisionRefused', await decisionOnEndedRun(handle));
          if (description.status.name !== 'RUNNING') throw await ended();
          const outcome = await sendDecision(
            handle,
            action,
            signerOf(context, approver),
            request.body?.message,
          ).catch(async (error: unknown) => {
            // The run closed between the look-up and the update.
            if (error instanceof WorkflowNotFoundError) throw await ended();
            throw error;
          });
          if (!outcome.isAccepted) throw new ApiError(409, 'DecisionRefused', outcome.reason);
          request.log.info({ runId: id, action, approver }, 'decision accepted');
          return { runId: id, ...outcome.decision };
        },
      );
    }
    done();
  };
}
