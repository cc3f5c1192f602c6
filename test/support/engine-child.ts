/**
 * An engine in a process of its own, for crash tests: reads its config from LL_CHILD_CONFIG,
 * creates and runs one session, and reports on stdout as JSON lines. The test SIGKILLs it by PID.
 */
import { createEngine, type EngineOptions } from '../../engine/index.js';

interface ChildConfig {
  config: NonNullable<EngineOptions['config']>;
  userId: string;
  problem: string;
}

const input = JSON.parse(process.env['LL_CHILD_CONFIG'] ?? '{}') as ChildConfig;
const engine = await createEngine({ config: input.config });
const { id } = await engine.createSession({ userId: input.userId, problem: input.problem });
process.stdout.write(`${JSON.stringify({ sessionId: id, pid: process.pid })}\n`);
const outcome = await engine.startSession(id);
process.stdout.write(`${JSON.stringify({ done: outcome.status })}\n`);
await engine.close();
