import { beforeAll, describe, expect, it } from '@jest/globals';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSettingsError, loadSettings } from '#kernel';
import { PROJECT_ROOT } from '../support/test-app.js';
import { envOf, parseDockerfile, type Instruction, type Stage } from './support/dockerfile.js';

interface ComposeService {
  profiles?: string[];
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
  stop_grace_period?: string;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const read = (file: string) => readFileSync(join(PROJECT_ROOT, file), 'utf8');

/** Collects every environment variable the settings code reads, from its source. */
function knownSettings(): Set<string> {
  const folder = join(PROJECT_ROOT, 'libs/kernel/src/settings');
  const names = new Set<string>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))) {
    for (const match of readFileSync(join(folder, file), 'utf8').matchAll(/'((?:MASALA_|DATABASE_|REDIS_)[A-Z0-9_]+|PORT|NODE_ENV)'/g)) {
      names.add(match[1]!);
    }
  }
  return names;
}

/** Replaces `${NAME:-default}` as docker compose does when NAME is not set. */
function interpolate(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_match, fallback?: string) => fallback ?? '');
}

function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

describe('Dockerfile', () => {
  const { args, stages } = parseDockerfile(read('Dockerfile'));
  const build = stages[0]!;
  const runtime = stages.at(-1)!;

  it('builds in one stage and runs from another, both on Node 20 slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(args.NODE_IMAGE).toMatch(/^node:20(\.\d+)*-(bookworm-)?slim$/);
    for (const stage of stages) expect(stage.base).toBe('${NODE_IMAGE}');
    expect(build.name).toBe('build');
  });

  it('installs with npm ci and compiles with npm run build', () => {
    const commands = instructions(build, 'RUN').map((instruction) => instruction.value);
    expect(commands.some((command) => /\bnpm ci\b/.test(command))).toBe(true);
    expect(commands.some((command) => /\bnpm run build\b/.test(command))).toBe(true);
    const copied = instructions(build, 'COPY').flatMap((instruction) => instruction.value.split(/\s+/).slice(0, -1));
    for (const source of copied.filter((item) => !item.startsWith('--'))) {
      expect({ source, exists: existsSync(join(PROJECT_ROOT, source)) }).toEqual({ source, exists: true });
    }
  });

  it('runs as a fixed non-root user', () => {
    const users = instructions(runtime, 'USER').map((instruction) => instruction.value);
    expect(users).toEqual(['masala']);
    expect(instructions(runtime, 'RUN').some((instruction) => /useradd .*--uid 10001 .*masala/.test(instruction.value))).toBe(true);
    const userLine = instructions(runtime, 'USER')[0]!.line;
    const lastCopy = Math.max(...instructions(runtime, 'COPY').map((instruction) => instruction.line));
    expect(userLine).toBeGreaterThan(lastCopy);
  });

  it('keeps data in the /data volume', () => {
    expect(instructions(runtime, 'VOLUME').map((instruction) => instruction.exec ?? [instruction.value])).toEqual([['/data']]);
    const env = Object.assign({}, ...instructions(runtime, 'ENV').map(envOf)) as Record<string, string>;
    expect(env.MASALA_DATA_DIR).toBe('/data');
    expect(env.NODE_ENV).toBe('production');
    expect(() => loadSettings(env, '/app')).not.toThrow();
    expect(instructions(runtime, 'RUN').some((instruction) => /chown masala:masala \/data/.test(instruction.value))).toBe(true);
  });

  it('checks readiness and starts like npm start', () => {
    const healthcheck = instructions(runtime, 'HEALTHCHECK')[0]!;
    expect(healthcheck.exec?.join(' ')).toContain('/health/ready');
    const command = instructions(runtime, 'CMD')[0]!.exec;
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(command?.join(' ')).toBe(start);
    expect(instructions(runtime, 'COPY').some((instruction) => /--from=build \/app\/dist/.test(instruction.value))).toBe(true);
    expect(instructions(runtime, 'EXPOSE').map((instruction) => instruction.value)).toEqual(['3000']);
  });

  it('copies the runtime configuration files', () => {
    const copied = instructions(runtime, 'COPY')
      .filter((instruction) => !instruction.value.startsWith('--from'))
      .flatMap((instruction) => instruction.value.split(/\s+/).slice(0, -1));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'masala_domains.yaml', 'config']));
    for (const source of copied) expect(existsSync(join(PROJECT_ROOT, source))).toBe(true);
  });

  it('leaves secrets and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    for (const entry of ['.git', '.env', 'node_modules', 'dist', 'data', '**/*.key', '**/*.sqlite']) {
      expect({ entry, ignored: ignored.includes(entry) }).toEqual({ entry, ignored: true });
    }
  });
});

describe('docker-compose.yml', () => {
  let compose: ComposeFile;
  const settingNames = knownSettings();
  const byProfile = (profile: string) =>
    Object.entries(compose.services).filter(([, service]) => service.profiles?.includes(profile));

  beforeAll(() => {
    compose = load(read('docker-compose.yml'), { schema: YAML11_SCHEMA }) as ComposeFile;
  });

  it('gives each isolated instance its own volume and tenant', () => {
    const isolated = byProfile('isolated');
    expect(isolated.map(([name]) => name).sort()).toEqual(['acme', 'globex']);
    const volumes = isolated.map(([, service]) => service.volumes?.find((volume) => volume.endsWith(':/data')));
    expect(new Set(volumes).size).toBe(isolated.length);
    for (const [name, service] of isolated) {
      expect(service.environment).toMatchObject({ MASALA_TENANCY: 'isolated', MASALA_TENANT: name, MASALA_DATA_DIR: '/data' });
      expect(service.environment?.DATABASE_URL).toBeUndefined();
      expect(service.build).toBe('.');
    }
  });

  it('runs the shared instance on PostgreSQL and Redis', () => {
    const shared = Object.fromEntries(byProfile('shared'));
    expect(Object.keys(shared).sort()).toEqual(['api', 'postgres', 'redis']);
    const env = shared.api!.environment!;
    expect(env.MASALA_TENANCY).toBe('shared');
    expect(env.DATABASE_URL).toMatch(/^postgres:\/\/masala_app:.*@postgres:5432\/masala$/);
    expect(env.MASALA_MIGRATION_DATABASE_URL).toMatch(/^postgres:\/\/masala_owner:.*@postgres:5432\/masala$/);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(shared.api!.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(shared.postgres!.image).toMatch(/^postgres:1[6-9]/);
    expect(shared.postgres!.environment).toMatchObject({ POSTGRES_DB: 'masala', POSTGRES_USER: 'masala_owner' });
    expect(shared.postgres!.volumes).toContain('./deploy/postgres:/docker-entrypoint-initdb.d:ro');
    expect(statSync(join(PROJECT_ROOT, 'deploy/postgres/10-create-app-role.sh')).mode & 0o111).not.toBe(0);
    expect(shared.redis!.image).toMatch(/^redis:7/);
    expect(shared.postgres!.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(shared.redis!.healthcheck?.test.join(' ')).toContain('ping');
  });

  it('declares every named volume it mounts', () => {
    const mounted = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0]!)
      .filter((source) => !source.startsWith('.') && !source.startsWith('/'));
    for (const volume of mounted) expect(Object.keys(compose.volumes)).toContain(volume);
  });

  it('passes only valid, known settings to the API', () => {
    const apis = Object.entries(compose.services).filter(([, service]) => service.build === '.');
    expect(apis.length).toBe(3);
    for (const [name, service] of apis) {
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value))]));
      expect({ name, unknown: Object.keys(env).filter((key) => !settingNames.has(key)) }).toEqual({ name, unknown: [] });
      let problems: string[] = [];
      try {
        loadSettings(env, '/app');
      } catch (error) {
        if (!(error instanceof InvalidSettingsError)) throw error;
        problems = error.problems;
      }
      expect({ name, problems }).toEqual({ name, problems: [] });
    }
  });

  it('publishes API ports on loopback only and stops gracefully', () => {
    for (const [name, service] of Object.entries(compose.services).filter(([, item]) => item.build === '.')) {
      for (const port of service.ports ?? []) expect({ name, port: port.startsWith('127.0.0.1:') }).toEqual({ name, port: true });
      const grace = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1] ?? 0) * 1000;
      const timeout = Number(service.environment?.MASALA_SHUTDOWN_TIMEOUT_MS ?? 10000);
      expect({ name, graceExceedsTimeout: grace > timeout }).toEqual({ name, graceExceedsTimeout: true });
      expect(service.read_only).toBe(true);
    }
  });
});
