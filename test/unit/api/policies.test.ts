import type { ApiErrorBody } from '../../../src/api/schemas';
import type { PolicyRecord } from '../../../src/policy/approval-policy';
import { startTestApi, type TestApi } from './api-fixture';

// dana is an admin (FERRY_API_ADMINS); alice is a member with a token.
const ALICE = 'alice-token-1';
const DANA = 'dana-token-1';
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ tokens: `alice:${ALICE},dana:${DANA}`, admins: ['dana'] });
});
afterAll(() => api?.app.close());

const policy = { approvers: ['bob', 'carol'], approvals: 2, maxTimeout: '2d' };
type History = { group: string; current: PolicyRecord | null; revisions: PolicyRecord[] };

const put = (group: string, token: string | undefined, json: unknown) =>
  api.call<PolicyRecord & ApiErrorBody>('PUT', `/policies/${group}`, { token, json });
const get = (group: string, token: string) =>
  api.call<History & ApiErrorBody>('GET', `/policies/${group}`, { token });

describe('approval policies over the API', () => {
  test("a member's token cannot change a policy: 403 naming the admin role, and nothing is stored", async () => {
    const answer = await put('churn', ALICE, policy);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('Forbidden');
    expect(answer.body.message).toMatch(/needs the admin role, and alice is a member/);
    expect(answer.body.message).toContain('FERRY_API_ADMINS');
    expect((await get('churn', ALICE)).body).toEqual({
      group: 'churn',
      current: null,
      revisions: [],
    });
  });

  test('without a token, or with an unknown one, a change is 401 before the body is read', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const answer = await put('churn', token, { approvers: 42 });
      expect([answer.status, answer.body.code]).toEqual([401, 'Unauthorized']);
    }
  });

  test("an admin sets it, set by the admin's person; GET shows the current one and every revision", async () => {
    const first = await put('fraud', DANA, policy);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      group: 'fraud',
      revision: 1,
      policy: { ...policy, owners: [], groups: {}, allowStarterToApprove: false },
      setBy: 'dana',
      setAt: expect.any(String) as string,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    const second = await put('fraud', DANA, { groups: { 'ml-leads': ['erin'] } });
    expect(second.body.revision).toBe(2);

    // Reading is for every token, members too.
    const read = await get('fraud', ALICE);
    expect(read.status).toBe(200);
    expect(read.body.current).toEqual(second.body);
    expect(read.body.revisions.map((r) => [r.revision, r.setBy])).toEqual([
      [1, 'dana'],
      [2, 'dana'],
    ]);
    expect(read.body.revisions[0]).toEqual(first.body);
  });

  test('a bad policy is 400 with a problem naming each field, and stores nothing', async () => {
    const answer = await put('credit', DANA, {
      approvers: ['bob smith'],
      approvals: 0,
      maxTimeout: 'forever',
      quorum: 2,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('ValidationError');
    expect(answer.body.problems?.map((p) => p.path).sort()).toEqual(
      ['approvals', 'approvers[0]', 'maxTimeout', 'quorum'].sort(),
    );
    expect(answer.body.message).toContain('maxTimeout');
    const nobody = await put('credit', DANA, {});
    expect(nobody.status).toBe(400);
    expect(nobody.body.problems).toEqual([
      expect.objectContaining({
        path: 'approvers',
        message: expect.stringMatching(/names nobody/) as string,
      }),
    ]);
    expect((await get('credit', DANA)).body.revisions).toEqual([]);
  });

  test('a group name that is not one is 400 naming the path part', async () => {
    const answer = await get('not_a_group', ALICE);
    expect(answer.status).toBe(400);
    expect(answer.body.problems?.[0]?.path).toBe('group');
  });

  test('the OpenAPI document marks PUT as needing a token, and documents the policy body', async () => {
    const doc = await api.call<{
      paths: Record<string, Record<string, { security?: unknown; requestBody?: unknown }>>;
    }>('GET', '/openapi.json');
    expect(doc.body.paths['/policies/{group}']?.put?.security).toEqual([{ bearerAuth: [] }]);
    expect(JSON.stringify(doc.body.paths['/policies/{group}']?.put?.requestBody)).toContain(
      'ApprovalPolicy',
    );
  });
});
