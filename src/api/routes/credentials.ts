import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { decisionCredential } from '../../temporal/run-control';
import { decisionOnEndedRun } from '../../temporal/run-ending';
import type { RunSummary } from '../../workflows/definitions';
import { approveSignal, rejectSignal } from '../../workflows/definitions';
import { checkVerifiedDecision, type DecisionAction } from '../../workflows/approval-rules';
import { signerOf, type ApiContext } from '../api-context';
import { actingPerson, securityFor } from '../auth';
import { ApiError } from '../errors';
import { findRun, querySummary } from '../run-view';
import {
  credentialRequestSchema,
  errorResponses,
  issuedCredentialSchema,
  runIdParams,
} from '../schemas';

const SIGNAL_NAMES: Record<DecisionAction, string> = {
  approve: approveSignal.name,
  reject: rejectSignal.name,
};

/**
 * A decision credential for people who decide from the Temporal UI or
 * `temporal workflow signal` instead of POST /runs/{id}/approve: the API
 * vouches for the authenticated person in a sealed credential, and the
 * person sends it as the signal's input. A signal has no caller to answer,
 * so what the run would refuse is refused here first, in the run's words.
 */
export function credentialRoutes(context: ApiContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/runs/:id/credentials',
      {
        config: { access: 'write' },
        schema: {
          summary: 'A credential to approve or reject a run by a Temporal signal',
          description:
            "For the authenticated person, bound to the run, the version it waits on, the action and the message, valid for 15 minutes. signal.input is the JSON to paste into the Temporal UI's Send Signal (signal name: signal.name), or to pass to `temporal workflow signal --input`. The group's approval policy applies when the run checks it; a person the policy would refuse, or a run that is not waiting for a decision, is 409 with the reason. The credential is a secret until used: the API never logs it.",
          tags: ['runs'],
          params: runIdParams,
          body: credentialRequestSchema,
          response: { 200: issuedCredentialSchema, ...errorResponses(400, 401, 404, 409) },
          ...securityFor('write', context.readsNeedToken),
        },
      },
      async (request, reply) => {
        const person = actingPerson(request);
        const { id } = request.params;
        const { action, message } = request.body;
        const { handle, description } = await findRun(context.client, context.taskQueue, id);
        const refused = (reason: string) => new ApiError(409, 'DecisionRefused', reason);
        if (description.status.name !== 'RUNNING') throw refused(await decisionOnEndedRun(handle));
        const summary = await querySummary(context.client, handle);
        const notYet = whyNotDecidable(summary, { action, person, message });
        if (notYet) throw refused(notYet);
        const signer = signerOf(context, person);
        const issued = await decisionCredential(handle, action, signer, message);
        if (!issued.ok) throw refused(issued.reason);
        request.log.info(
          { runId: id, action, person, tokenId: issued.tokenId },
          'credential issued',
        );
        const { credential, tokenId, expiresAt } = issued;
        return reply.header('cache-control', 'no-store').send({
          runId: id,
          action,
          credential,
          tokenId,
          expiresAt,
          signal: { name: SIGNAL_NAMES[action], input: JSON.stringify({ credential }) },
        });
      },
    );
    done();
  };
}

/**
 * Why the run would refuse this person's decision now, by the run's own rules
 * (checkVerifiedDecision) on what its summary says; undefined when it would
 * take it. The run still checks for itself: this only spares a signal that
 * would be refused where nobody sees it but the trail.
 */
function whyNotDecidable(
  summary: Partial<RunSummary>,
  decision: { action: DecisionAction; person: string; message: string | undefined },
): string | undefined {
  const { stage, policy, startedBy, decisionTrail = [] } = summary;
  if (stage !== 'awaiting-approval' || policy === undefined || startedBy === undefined) {
    return `the run is not waiting for a decision (stage: ${stage ?? 'unknown, no worker answered'}); ask again once GET /runs/{id} shows stage awaiting-approval`;
  }
  const accepted = decisionTrail.filter((entry) => entry.accepted && entry.subject !== undefined);
  const rules = checkVerifiedDecision(
    {
      action: decision.action,
      subject: decision.person,
      issuer: '',
      tokenId: '',
      message: decision.message?.trim() ?? '',
    },
    {
      policy,
      startedBy,
      approvedBy: accepted.filter((e) => e.action === 'approve').map((e) => e.subject as string),
      rejectedBy: accepted.find((e) => e.action === 'reject')?.subject,
      usedTokenIds: new Set(),
    },
  );
  return rules.ok ? undefined : rules.reason;
}
