import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisChild, type RedisHandle } from '../../harness/infra/index.js';

/**
 * A redis-server child on a free port, for tests that kill, pause or restart Redis (never the
 * shared one on 6379). stop() kills it and removes its directory.
 */
export async function startTestRedis(): Promise<RedisHandle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'll-redis-'));
  const handle = await startRedisChild({ dir });
  const stop = handle.stop.bind(handle);
  return {
    ...handle,
    url: handle.url,
    port: handle.port,
    owned: true,
    pid: () => handle.pid(),
    stop: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
