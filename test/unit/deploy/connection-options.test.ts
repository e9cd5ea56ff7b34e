import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  describeTemporalConnection,
  InvalidTemporalConnection,
  temporalConnectionFromEnv,
} from '../../../src/temporal/connection-options';
import { connectClient, NoTemporalServer } from '../../../src/temporal/client';

const API_KEY = 'tmprl-secret-key-that-must-never-be-printed';

let dir: string;
let certFile: string;
let keyFile: string;
let caFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-tls-'));
  certFile = path.join(dir, 'client.pem');
  keyFile = path.join(dir, 'client.key');
  caFile = path.join(dir, 'ca.pem');
  writeFileSync(certFile, 'CLIENT CERT');
  writeFileSync(keyFile, 'CLIENT KEY');
  writeFileSync(caFile, 'SERVER CA');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error temporalConnectionFromEnv throws for `env`, or a failure if it throws none. */
function errorFor(env: NodeJS.ProcessEnv): InvalidTemporalConnection {
  try {
    temporalConnectionFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTemporalConnection);
    return error as InvalidTemporalConnection;
  }
  throw new Error('expected an InvalidTemporalConnection');
}

describe('Temporal connection options from the environment', () => {
  test('without TEMPORAL_ADDRESS there is nothing to connect to', () => {
    expect(temporalConnectionFromEnv({})).toBeUndefined();
    expect(temporalConnectionFromEnv({ TEMPORAL_ADDRESS: '' })).toBeUndefined();
  });

  test('an address alone is a plain connection in the default namespace', () => {
    expect(temporalConnectionFromEnv({ TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual({
      connection: { address: 'temporal:7233' },
      namespace: 'default',
    });
  });

  test('TEMPORAL_NAMESPACE picks the namespace; empty means the default', () => {
    const env = { TEMPORAL_ADDRESS: 'temporal:7233' };
    expect(temporalConnectionFromEnv({ ...env, TEMPORAL_NAMESPACE: 'ml-prod' })?.namespace).toBe(
      'ml-prod',
    );
    expect(temporalConnectionFromEnv({ ...env, TEMPORAL_NAMESPACE: '' })?.namespace).toBe(
      'default',
    );
  });

  test('variables docker compose passes through empty count as unset', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS: '',
      TEMPORAL_TLS_CERT: '',
      TEMPORAL_TLS_KEY: '',
      TEMPORAL_TLS_CA: '',
      TEMPORAL_TLS_SERVER_NAME: '',
      TEMPORAL_API_KEY: '',
    });
    expect(settings?.connection).toEqual({ address: 'temporal:7233' });
  });

  test('a client certificate and key make an mTLS connection with the files read', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_TLS_CERT: certFile,
      TEMPORAL_TLS_KEY: keyFile,
    });
    expect(settings?.connection.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') },
    });
    expect(settings?.connection.apiKey).toBeUndefined();
  });

  test('a CA and a server name are passed on with the client certificate', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: '10.0.0.5:7233',
      TEMPORAL_TLS_CERT: certFile,
      TEMPORAL_TLS_KEY: keyFile,
      TEMPORAL_TLS_CA: caFile,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(settings?.connection.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CLIENT CERT'), key: Buffer.from('CLIENT KEY') },
      serverRootCACertificate: Buffer.from('SERVER CA'),
      serverNameOverride: 'temporal.internal',
    });
  });

  test('a CA alone is server-side TLS without a client certificate', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS_CA: caFile,
    });
    expect(settings?.connection.tls).toEqual({ serverRootCACertificate: Buffer.from('SERVER CA') });
  });

  test('TEMPORAL_TLS=true turns TLS on with the system trust store', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'temporal.example.com:443',
      TEMPORAL_TLS: 'true',
    });
    expect(settings?.connection).toEqual({ address: 'temporal.example.com:443', tls: {} });
  });

  test('an API key sets apiKey and turns TLS on', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'ferry.a1b2c',
      TEMPORAL_API_KEY: API_KEY,
    });
    expect(settings).toEqual({
      connection: { address: 'us-east-1.aws.api.temporal.io:7233', tls: {}, apiKey: API_KEY },
      namespace: 'ferry.a1b2c',
    });
  });

  test('the log line says how it authenticates but never shows the key', () => {
    const settings = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_API_KEY: API_KEY,
    });
    const line = describeTemporalConnection(settings!);
    expect(line).toBe('us-east-1.aws.api.temporal.io:7233 (namespace default, TLS, API key)');
    expect(line).not.toContain(API_KEY);
    const mtls = temporalConnectionFromEnv({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS_CERT: certFile,
      TEMPORAL_TLS_KEY: keyFile,
    });
    expect(describeTemporalConnection(mtls!)).toBe('temporal:7233 (namespace default, mTLS)');
  });

  test('a certificate without its key is refused, naming both variables', () => {
    const error = errorFor({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS_CERT: certFile });
    expect(error.message).toMatch(/^TEMPORAL_TLS_CERT is set but TEMPORAL_TLS_KEY is not/);
    expect(error.type).toBe('InvalidTemporalConnection');
  });

  test('a key without its certificate is refused, naming both variables', () => {
    const error = errorFor({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS_KEY: keyFile });
    expect(error.message).toMatch(/^TEMPORAL_TLS_KEY is set but TEMPORAL_TLS_CERT is not/);
  });

  test('a file that does not exist is refused, naming the variable and the path', () => {
    const missing = path.join(dir, 'nope.pem');
    const error = errorFor({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS_CERT: certFile,
      TEMPORAL_TLS_KEY: missing,
      TEMPORAL_API_KEY: API_KEY,
    });
    expect(error.message).toBe(
      `TEMPORAL_TLS_KEY: cannot read ${missing} (ENOENT); point TEMPORAL_TLS_KEY at a readable PEM file`,
    );
    expect(error.message).not.toContain(API_KEY);
  });

  test('a folder given as a file is refused, naming the variable', () => {
    const error = errorFor({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS_CA: dir });
    expect(error.message).toBe(
      `TEMPORAL_TLS_CA: cannot read ${dir} (EISDIR); point TEMPORAL_TLS_CA at a readable PEM file`,
    );
  });

  test('an empty certificate file is refused', () => {
    const empty = path.join(dir, 'empty.pem');
    writeFileSync(empty, '');
    const error = errorFor({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS_CA: empty });
    expect(error.message).toBe(
      `TEMPORAL_TLS_CA: ${empty} is empty; point TEMPORAL_TLS_CA at a PEM file`,
    );
  });

  test('TEMPORAL_TLS=false with an API key is refused rather than sending the key in the clear', () => {
    const error = errorFor({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_TLS: 'false',
      TEMPORAL_API_KEY: API_KEY,
    });
    expect(error.message).toMatch(/^TEMPORAL_TLS is false but TEMPORAL_API_KEY is set/);
    expect(error.message).not.toContain(API_KEY);
  });

  test('TEMPORAL_TLS=false alone is a plain connection', () => {
    expect(
      temporalConnectionFromEnv({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS: 'false' })
        ?.connection,
    ).toEqual({ address: 'temporal:7233' });
  });

  test('TEMPORAL_TLS other than true or false is refused', () => {
    expect(errorFor({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_TLS: 'yes' }).message).toMatch(
      /^TEMPORAL_TLS is 'yes'; set it to true or false/,
    );
  });

  test('the CLI client reports a bad TLS setting as a message, before connecting', async () => {
    const attempt = connectClient({ TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_TLS_CERT: certFile });
    await expect(attempt).rejects.toBeInstanceOf(NoTemporalServer);
    await expect(attempt).rejects.toThrow(/TEMPORAL_TLS_CERT is set but TEMPORAL_TLS_KEY is not/);
  });
});
