import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { connectClient } from '../../engine/migrate/index.js';
import type { Infra } from '../infra/index.js';
import type { Environment, Profile } from '../result/index.js';
import { VERSION } from './version.js';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

async function postgresVersion(infra: Infra): Promise<string> {
  const client = await connectClient(infra.postgres.adminUrl);
  try {
    return String((await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown');
  } finally {
    await client.end();
  }
}

async function redisVersion(url: string): Promise<string> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    client.disconnect();
  }
}

/** What the run happened on: printed in the report's appendix so a figure can be reproduced. */
export async function collectEnvironment(
  infra: Infra,
  options: { profile: Profile; seed: number; timeScale: number },
): Promise<Environment> {
  const env = basicEnvironment(infra, options);
  return {
    ...env,
    postgres: { version: await postgresVersion(infra), source: infra.postgres.kind },
    redis:
      infra.redis === undefined ? null : { version: await redisVersion(infra.redis.url), source: infra.redis.owned ? 'child' : 'external' },
  };
}

/**
 * The environment without asking the servers anything (versions `unknown`): for a partial result
 * written after a crash or an interrupt, when PostgreSQL may be gone already.
 */
export function basicEnvironment(
  infra: Infra | undefined,
  options: { profile: Profile; seed: number; timeScale: number; startedAt?: string },
): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: { count: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown' },
    memory: { totalBytes: os.totalmem() },
    postgres: infra === undefined ? null : { version: 'unknown', source: infra.postgres.kind },
    redis: infra?.redis === undefined ? null : { version: 'unknown', source: infra.redis.owned ? 'child' : 'external' },
    loadlabVersion: VERSION,
    gitCommit: gitCommit(),
    profile: options.profile,
    seed: options.seed,
    timeScale: options.timeScale,
    startedAt: options.startedAt ?? new Date().toISOString(),
    finishedAt: null,
  };
}
