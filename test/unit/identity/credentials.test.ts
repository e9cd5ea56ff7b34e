import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configSha256 } from '../../../src/identity/config-digest';
import { issueCredential } from '../../../src/identity/credential-issuer';
import { loadOrCreateKeyPair, SIGNING_ALG } from '../../../src/identity/key-files';
import { apiIssuer, localIssuer, workerVerifier } from '../../../src/identity/machine-keys';
import { verifyCredential } from '../../../src/identity/verify-credential';

const binding = { action: 'approve' as const, runId: 'ferry-churn-1', group: 'churn', version: 3 };

describe('credentials from issue to verification', () => {
  test('a credential the API issues verifies once sealed, naming the person, the issuer and the token', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const issuer = await apiIssuer(home, {});
    const issued = await issueCredential(issuer, 'bob', { ...binding, message: 'ship it' });
    expect(issued.credential.split('.')).toHaveLength(5);
    const check = await verifyCredential(
      issued.credential,
      binding,
      await workerVerifier(home, {}),
      new Date(),
    );
    expect(check).toMatchObject({
      ok: true,
      subject: 'bob',
      issuer: 'ferry-api',
      tokenId: issued.tokenId,
      message: 'ship it',
    });
  });

  test('even a trusted issuer cannot put a huge or terminal-drawing subject in a trail', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const issuer = await apiIssuer(home, {});
    const verifier = await workerVerifier(home, {});
    for (const subject of [
      'b'.repeat(257),
      'bob\u001b[2K\raccepted',
      'bob\nalice',
      'bob\u202eecila',
    ]) {
      const issued = await issueCredential(issuer, subject, binding);
      expect(await verifyCredential(issued.credential, binding, verifier, new Date())).toEqual({
        ok: false,
        reason:
          "the credential's subject is not a usable person name (1 to 256 characters, no control characters or bidi overrides); ask its issuer's admin",
      });
    }
    const longest = await issueCredential(issuer, 'b'.repeat(256), binding);
    expect(await verifyCredential(longest.credential, binding, verifier, new Date())).toMatchObject(
      {
        ok: true,
      },
    );
  });

  test("a worker of another home trusts neither this home's issuers nor its sealing key", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const other = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const issued = await issueCredential(await localIssuer(home, {}), 'root', binding);
    const check = await verifyCredential(
      issued.credential,
      binding,
      await workerVerifier(other, {}),
      new Date(),
    );
    expect(check).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^the credential was not sealed for this worker's key/,
      ) as string,
    });
  });

  test('a start is bound to its exact config', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const config = { name: 'churn', candidates: { count: 4 } };
    const start = { action: 'start' as const, runId: 'ferry-churn-1', group: 'churn' };
    const issued = await issueCredential(await apiIssuer(home, {}), 'carol', {
      ...start,
      configSha256: configSha256(config),
    });
    const verifier = await workerVerifier(home, {});
    // Key order does not matter; content does.
    const reordered = { candidates: { count: 4 }, name: 'churn' };
    expect(
      await verifyCredential(
        issued.credential,
        { ...start, configSha256: configSha256(reordered) },
        verifier,
        new Date(),
      ),
    ).toMatchObject({ ok: true });
    expect(
      await verifyCredential(
        issued.credential,
        { ...start, configSha256: configSha256({ ...config, name: 'x' }) },
        verifier,
        new Date(),
      ),
    ).toMatchObject({ ok: false });
  });

  test('a key file others can read is refused, naming the fix', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const file = path.join(home, 'keys', 'api-issuer.jwk');
    await loadOrCreateKeyPair(file, SIGNING_ALG);
    await chmod(file, 0o644);
    await expect(loadOrCreateKeyPair(file, SIGNING_ALG)).rejects.toThrow(
      `${file} can be read by other users (mode 644); a Ferry key must be its owner's alone: chmod 600 ${file}`,
    );
  });

  test('verified at the time it was presented, not when a busy worker got to it', async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'ferry-keys-'));
    const issued = await issueCredential(await apiIssuer(home, {}), 'bob', binding, {
      ttlSeconds: 60,
    });
    const verifier = await workerVerifier(home, {});
    const later = new Date(Date.now() + 600_000);
    expect(await verifyCredential(issued.credential, binding, verifier, later)).toMatchObject({
      ok: false,
      reason: 'the credential has expired; ask for a new one',
    });
    expect(await verifyCredential(issued.credential, binding, verifier, new Date())).toMatchObject({
      ok: true,
    });
  });
});
