import type { ScalingPolicy } from '../../../src/backends/hosting';
import {
  decideScaling,
  desiredReplicas,
  InvocationWindow,
} from '../../../src/backends/local/hosting/scaling-decision';

const POLICY: ScalingPolicy = {
  minReplicas: 1,
  maxReplicas: 4,
  targetInvocationsPerReplica: 10,
  metricWindowSeconds: 5,
  scaleOutCooldownSeconds: 10,
  scaleInCooldownSeconds: 30,
  coldStartTimeoutSeconds: 60,
};
const LONG_AGO = { replicas: 2, lastScaleOutAtMs: 0, lastScaleInAtMs: 0 };
const NOW = 1_000_000;

describe('target tracking on invocations per replica', () => {
  test('asks for the replicas that bring the load back to target, within min and max', () => {
    expect(desiredReplicas(POLICY, 0)).toBe(1);
    expect(desiredReplicas(POLICY, 10)).toBe(1);
    expect(desiredReplicas(POLICY, 11)).toBe(2);
    expect(desiredReplicas(POLICY, 35)).toBe(4);
    expect(desiredReplicas(POLICY, 500)).toBe(4);
    expect(desiredReplicas({ ...POLICY, minReplicas: 0 }, 0)).toBe(0);
  });

  test('scales out above target and says why', () => {
    const decision = decideScaling(POLICY, LONG_AGO, 31, NOW);
    expect(decision).toEqual({
      toReplicas: 4,
      cause:
        '31 invocations in the last 5 s = 15.5 per replica on 2 (target 10), above target: scale out',
    });
  });

  test('waits out the scale-out cooldown', () => {
    const recent = { ...LONG_AGO, lastScaleOutAtMs: NOW - 9_000 };
    expect(decideScaling(POLICY, recent, 31, NOW)).toBeUndefined();
    expect(decideScaling(POLICY, recent, 31, NOW + 1_000)?.toReplicas).toBe(4);
  });

  test('scales in only after the scale-in cooldown since any move', () => {
    const afterOut = { ...LONG_AGO, lastScaleOutAtMs: NOW - 29_000 };
    expect(decideScaling(POLICY, afterOut, 3, NOW)).toBeUndefined();
    const decision = decideScaling(POLICY, afterOut, 3, NOW + 1_000);
    expect(decision?.toReplicas).toBe(1);
    expect(decision?.cause).toMatch(/below target: scale in$/);
  });

  test('never scales in before the window has measured the current size', () => {
    const policy = { ...POLICY, scaleInCooldownSeconds: 0, metricWindowSeconds: 60 };
    const justMoved = { ...LONG_AGO, lastScaleInAtMs: NOW - 10_000 };
    expect(decideScaling(policy, justMoved, 0, NOW)).toBeUndefined();
  });

  test('holds steady at target', () => {
    expect(decideScaling(POLICY, LONG_AGO, 20, NOW)).toBeUndefined();
  });
});

describe('the invocation window', () => {
  test('counts what arrived within the window and forgets the rest', () => {
    const window = new InvocationWindow();
    for (let ms = 0; ms < 10_000; ms += 100) window.record(ms);
    expect(window.count(10_000, 5_000)).toBe(50);
    expect(window.count(10_000, 1_000)).toBe(10);
    expect(window.count(30_000, 5_000)).toBe(0);
  });
});
