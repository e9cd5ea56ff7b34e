import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EndpointDescription, ScalingPolicy } from '../src/backends/hosting';
import { stopHost } from '../src/backends/local/hosting/ensure-host';
import { LocalHostingClient } from '../src/backends/local/hosting/hosting-client';
import { WarmRunner } from '../src/python/warm-runner';
import { trainPenguinsModel } from '../test/fixtures/trained-model';
import { progress } from './bench-server';

export interface BenchEndpoints {
  hosting: LocalHostingClient;
  /** Deploys a fresh endpoint of the trained model and waits until it serves. */
  deploy(name: string, policy: ScalingPolicy, isAutoscaled: boolean): Promise<EndpointDescription>;
  stop(): Promise<void>;
}

/** A host of its own (gone with this process), and a real penguins model to serve. */
export async function benchEndpoints(): Promise<BenchEndpoints> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-endpoint-'));
  progress('training a penguins model to serve...');
  const { modelDir } = await trainPenguinsModel(dir);
  await WarmRunner.stopShared();
  const home = path.join(dir, 'home');
  const hosting = new LocalHostingClient(home, { exitWithParent: true });
  return {
    hosting,
    async deploy(name, policy, isAutoscaled) {
      await hosting.deploy({
        endpoint: name,
        deploymentId: `${name}-bench`,
        model: { group: 'penguins', version: 1, algorithm: 'linear', modelDir },
        policy,
      });
      for (;;) {
        const endpoint = await hosting.describe(name);
        if (endpoint?.status === 'InService') {
          if (isAutoscaled) await hosting.setScalingPolicy(name, policy);
          return endpoint;
        }
        if (endpoint?.lastFailure) throw new Error(endpoint.lastFailure.reason);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop() {
      await stopHost(home);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One penguins row as an endpoint takes it. */
export const BENCH_ROW_CSV = 'Biscoe,50.0,15.2,218,5700,male\n';
