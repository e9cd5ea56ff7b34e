import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { ApiContext } from '../api-context';
import { actingPerson, securityFor } from '../auth';
import {
  approvalPolicyBodySchema,
  errorResponses,
  groupParams,
  policyHistorySchema,
  policyRecordResponseSchema,
} from '../schemas';

/**
 * A model group's approval policy (DESIGN.md §4a), kept in the registry with
 * every revision. Anyone who may read sees it; only an admin changes it,
 * because it is what the runs' starters must not be able to write.
 */
export function policyRoutes(context: ApiContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/policies/:group',
      {
        config: { access: 'read' },
        schema: {
          summary: "A model group's approval policy and its revisions",
          description:
            'The current policy (null when the group has none, and its runs follow their own approval section) and every revision before it, with who set it and when.',
          tags: ['policies'],
          params: groupParams,
          response: { 200: policyHistorySchema, ...errorResponses(400, 401) },
          ...securityFor('read', context.readsNeedToken),
        },
      },
      async (request) => {
        const { group } = request.params;
        const registry = context.registry();
        const [current, revisions] = await Promise.all([
          registry.getPolicy(group),
          registry.listPolicyRevisions(group),
        ]);
        return { group, current: current ?? null, revisions };
      },
    );

    app.put(
      '/policies/:group',
      {
        config: { access: 'admin' },
        schema: {
          summary: "Set a model group's approval policy (admins only)",
          description:
            "The body is the policy: approvers and named groups who may decide, the quorum, whether a run's starter may approve, the longest wait. It becomes a new revision, set by the authenticated admin; earlier ones are kept. Runs registered from then on are decided under it (their pipeline files may tighten it, never loosen it). A member's token is 403.",
          tags: ['policies'],
          params: groupParams,
          body: approvalPolicyBodySchema,
          response: { 200: policyRecordResponseSchema, ...errorResponses(400, 401, 403) },
          ...securityFor('admin', context.readsNeedToken),
        },
      },
      async (request) => {
        const setBy = actingPerson(request);
        const { group } = request.params;
        const record = await context.registry().setPolicy({ group, policy: request.body, setBy });
        request.log.info({ group, revision: record.revision, setBy }, 'approval policy set');
        return record;
      },
    );
    done();
  };
}
