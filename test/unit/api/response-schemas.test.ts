import { z } from 'zod';
import type { EndpointDescription } from '../../../src/backends/hosting';
import { endpointSchema, runSchema } from '../../../src/api/schemas';

// Fastify's serializer (fastify-type-provider-zod) answers with what
// z.safeEncode makes of a handler's value, and a value the schema refuses
// is a 500. These are answers the backends and workflows really give.

describe('API response schemas', () => {
  test('a run whose metric could not be computed (NaN, null once it crossed JSON) still answers', () => {
    const run: z.output<typeof runSchema> = {
      runId: 'ferry-churn-1a2b3c4d',
      status: 'RUNNING',
      startedAt: '2026-12-02T10:00:00.000Z',
      stage: 'selecting',
      leaderboard: [
        {
          id: 'c00',
          index: 0,
          algorithm: 'xgboost',
          hyperparameters: { eta: 0.1 },
          seed: 1000,
          modelDir: '/models/c00',
          metrics: { roc_auc: null, accuracy: 0.5 },
          rank: 1,
          objectiveValue: null,
        },
      ],
      championGate: {
        hasChampion: true,
        passed: false,
        reason: 'cannot compare roc_auc with the champion (version 1)',
        champion: { version: 1, algorithm: 'xgboost', metrics: { roc_auc: null } },
      },
    };
    const answer = z.safeEncode(runSchema, run);
    expect(answer.error).toBeUndefined();
    expect(answer.data).toEqual(run);
  });

  test("an endpoint whose SageMaker model is gone answers with modelDir ''", () => {
    const served = { group: 'churn', version: 2, algorithm: 'xgboost', modelDir: '' };
    const endpoint: EndpointDescription = {
      name: 'churn',
      status: 'InService',
      url: 'https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/churn',
      current: { deploymentId: 'ferry-churn-1a2b3c4d-deploy', model: served, since: 'then' },
      replicas: [],
      desiredReplicas: 1,
      policy: {
        minReplicas: 1,
        maxReplicas: 1,
        targetInvocationsPerReplica: 1000,
        metricWindowSeconds: 60,
        scaleOutCooldownSeconds: 300,
        scaleInCooldownSeconds: 300,
        coldStartTimeoutSeconds: 60,
      },
      autoscaling: false,
      recentDeployments: [],
      createdAt: 'then',
    };
    const answer = z.safeEncode(endpointSchema, endpoint);
    expect(answer.error).toBeUndefined();
    expect(answer.data).toEqual(endpoint);
  });
});
