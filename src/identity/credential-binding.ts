import { z } from 'zod';

/**
 * What a Ferry credential lets its holder do, and where: one action on one
 * run (and, for a decision, one model version). Pure data: the workflow
 * sandbox imports it to say what it expects, the issuers put it in the
 * token, and the verifier compares the two.
 */
export const credentialActionSchema = z.enum(['start', 'approve', 'reject']);
export type CredentialAction = z.infer<typeof credentialActionSchema>;

/** The longest decision message a credential carries; it is kept in history and the registry. */
export const MAX_DECISION_MESSAGE_CHARS = 10_000;

export const credentialBindingSchema = z.strictObject({
  action: credentialActionSchema,
  runId: z.string().min(1),
  group: z.string().min(1),
  /** The model version a decision is about; a start has none yet. */
  version: z.number().int().min(1).optional(),
  /** A start's pipeline file, as the sha256 of its validated config, so the token starts that file only. */
  configSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** A decision's reason, signed with it so nobody can change what the person said. */
  message: z.string().max(MAX_DECISION_MESSAGE_CHARS).optional(),
});
export type CredentialBinding = z.infer<typeof credentialBindingSchema>;

/** The audience every Ferry credential names, so an ID token for another service is not one. */
export const CREDENTIAL_AUDIENCE = 'ferry';

/** The JWT claim that holds the binding. */
export const BINDING_CLAIM = 'ferry';

/** How long an issued credential lives: long enough to paste into a signal, short enough to be worthless later. */
export const CREDENTIAL_TTL_SECONDS = 15 * 60;

/** The longest lifetime a verifier accepts, whatever an issuer wrote. */
export const MAX_CREDENTIAL_LIFETIME_SECONDS = 60 * 60;

/** The most characters a sealed credential may have; the workflow refuses longer ones unread. */
export const MAX_SEALED_CREDENTIAL_CHARS = 64 * 1024;

/** What the verifier found: the person, who vouched for them, and the token's id, or why not. */
export const credentialCheckSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    subject: z.string(),
    issuer: z.string(),
    tokenId: z.string(),
    /** When the issuer vouched for the decision: a decision made after the deadline does not count. */
    issuedAt: z.string(),
    expiresAt: z.string(),
    message: z.string(),
  }),
  z.object({ ok: z.literal(false), reason: z.string() }),
]);
export type CredentialCheck = z.infer<typeof credentialCheckSchema>;
