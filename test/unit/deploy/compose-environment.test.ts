import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// docker-compose.yml cannot be started here (no Docker engine), so these
// checks stand in: every variable set on Ferry's services is one Ferry reads,
// Ferry's services pass on every Temporal connection variable, no port is
// published beyond loopback, and `docker compose config` accepts the file
// where the client is installed.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const FERRY_SERVICES = ['ferry-worker', 'ferry-training-worker', 'ferry-api'];

interface ComposeService {
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | { host_ip?: string; published?: string | number })[];
  network_mode?: string;
}

// `merge`: the Ferry services share their environment through a YAML anchor and `<<`.
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** Names of the variables a service sets, from either of compose's two forms. */
function environmentNames(service: ComposeService): string[] {
  const { environment } = service;
  if (environment === undefined) return [];
  if (Array.isArray(environment)) return environment.map((entry) => entry.split('=')[0]!);
  return Object.keys(environment);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

// `process.env.NAME`, `env.NAME`, `env?.NAME`, `env['NAME']`, `env["NAME"]`.
const ENV_READ = /\benv(?:\??\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;

/** Variable name → the files under src/ that read it. */
function variablesRead(files: string[]): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(ENV_READ)) {
      const name = (match[1] ?? match[2])!;
      const relative = path.relative(ROOT, file);
      const list = readers.get(name) ?? [];
      if (!list.includes(relative)) list.push(relative);
      readers.set(name, list);
    }
  }
  return readers;
}

const readByFerry = variablesRead(sourceFiles(path.join(ROOT, 'src')));
const connectionVariables = [
  ...variablesRead([path.join(ROOT, 'src', 'temporal', 'connection-options.ts')]).keys(),
];

const settings = FERRY_SERVICES.flatMap((name) => {
  const service = compose.services[name];
  if (!service) throw new Error(`docker-compose.yml has no service '${name}'`);
  return environmentNames(service).map((variable) => [name, variable] as const);
});

/** `${VAR:-default}` → default, so a port spec can be split on ':'. */
function withDefaults(text: string): string {
  return text.replace(/\$\{[A-Za-z0-9_]+(?::?[-?]([^}]*))?\}/g, (_whole, fallback?: string) =>
    fallback === undefined ? '' : fallback,
  );
}

/** The host address a published port binds to; '' for all interfaces. */
function hostAddress(port: NonNullable<ComposeService['ports']>[number]): string {
  if (typeof port === 'number') return '';
  if (typeof port === 'object') return port.host_ip ?? '';
  const spec = withDefaults(port).replace(/\/(tcp|udp|sctp)$/, '');
  const bracketed = /^\[([^\]]+)\]:/.exec(spec);
  if (bracketed) return bracketed[1]!;
  const parts = spec.split(':');
  return parts.length === 3 ? parts[0]! : '';
}

const isLoopback = (address: string) => /^127\.\d+\.\d+\.\d+$/.test(address) || address === '::1';

describe('docker-compose.yml', () => {
  test('finds environment variables on every Ferry service and in the sources', () => {
    expect(settings.length).toBeGreaterThan(0);
    expect(readByFerry.size).toBeGreaterThan(0);
    expect(connectionVariables).toContain('TEMPORAL_API_KEY');
  });

  test.each(settings)('%s sets %s, which Ferry reads', (service, variable) => {
    if (!readByFerry.has(variable)) {
      throw new Error(
        `${service} sets ${variable} in docker-compose.yml, but nothing under src/ reads it ` +
          `(looked for process.env.${variable}, env.${variable} and env['${variable}']); ` +
          `remove it from the compose file or read it in Ferry`,
      );
    }
  });

  test.each(FERRY_SERVICES)('%s passes on every Temporal connection variable', (name) => {
    const missing = connectionVariables.filter(
      (variable) => !environmentNames(compose.services[name]!).includes(variable),
    );
    expect(missing).toEqual([]);
  });

  test('runs one control worker and one training worker', () => {
    const commands = Object.values(compose.services).map(
      (service) => (service as { command?: string[] }).command?.join(' ') ?? '',
    );
    expect(commands.filter((command) => command === 'worker --role control')).toHaveLength(1);
    expect(commands.filter((command) => command === 'worker --role training')).toHaveLength(1);
  });

  test.each(Object.keys(compose.services))(
    '%s publishes ports on 127.0.0.1 only, not on every interface',
    (name) => {
      const service = compose.services[name]!;
      expect(service.network_mode).not.toBe('host');
      const exposed = (service.ports ?? []).filter((port) => !isLoopback(hostAddress(port)));
      expect(exposed).toEqual([]);
    },
  );

  test('reads the host address of each form of port', () => {
    expect(hostAddress('127.0.0.1:8000:8000')).toBe('127.0.0.1');
    expect(hostAddress('127.0.0.1:${API_PORT:-8000}:8000/tcp')).toBe('127.0.0.1');
    expect(hostAddress('[::1]:8000:8000')).toBe('::1');
    expect(hostAddress('8000:8000')).toBe('');
    expect(hostAddress('0.0.0.0:8000:8000')).toBe('0.0.0.0');
    expect(hostAddress(8000)).toBe('');
    expect(hostAddress({ host_ip: '127.0.0.1', published: 8000 })).toBe('127.0.0.1');
  });

  // The docker CLI can be installed without its compose plugin (as here), so
  // ask the plugin itself.
  const hasCompose = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;
  (hasCompose ? test : test.skip)(
    hasCompose
      ? 'docker compose config accepts it'
      : 'docker compose config accepts it (skipped: no `docker compose` client on this machine)',
    () => {
      const result = spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '-q'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
  );
});
