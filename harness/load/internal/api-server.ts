/**
 * Entry of the API server child (harness/load startApiChild): the engine and its Fastify server
 * alone in a Node process, so a load generator in the parent never shares its event loop or JIT.
 *
 * Protocol: the first line on stdin is `{"config": EngineConfigInput}` (on stdin, not in argv or
 * the environment, so database URLs never show up in `ps`); once listening on 127.0.0.1 it prints
 * one line `{"port":N,"pid":N}` on stdout. stdin then stays open: when it ends (the parent closed
 * it, or died without a chance to), the server stops, as on SIGTERM/SIGINT: close the server,
 * close the engine (flushes), exit 0 (so `node --cpu-prof` gets to write its profile).
 */
import readline from 'node:readline';
import { createApiServer, type ApiServer } from '../../../engine/api/index.js';
import type { EngineConfigInput } from '../../../engine/config/index.js';
import { createEngine, type Engine } from '../../../engine/index.js';

function fail(err: unknown): never {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

function firstLine(): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: process.stdin });
    rl.once('line', (line) => resolve(line));
    rl.once('close', () => reject(new Error('stdin closed before the config line')));
  });
}

async function main(): Promise<void> {
  const { config } = JSON.parse(await firstLine()) as { config: EngineConfigInput };
  // Filled in as they start: a stop request may arrive before either exists.
  const open: { engine?: Engine; server?: ApiServer } = {};
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await open.server?.close();
      await open.engine?.close();
    })().then(() => process.exit(0), fail);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  const engine = await createEngine({ config });
  open.engine = engine;
  const server = await createApiServer(engine);
  open.server = server;
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);
}

main().catch(fail);
