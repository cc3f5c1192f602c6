/**
 * Entry of the engine-crash child: the engine, its HTTP API and the resume sweep of `loadlab
 * serve`, alone in a process that the scenario SIGKILLs. Protocol in ./protocol.ts: the input on
 * the first stdin line (never in argv or the environment, so database URLs stay out of `ps`), then
 * `arm` commands; one JSON line on stdout per accepted event and cost record, and at a kill point.
 *
 * The engine is observed by wrapping three methods of the instances this process created (the
 * publisher's publish, the tracker's track, the repositories' batch inserts); nothing global is
 * patched. SIGTERM or the end of stdin stops it cleanly, as `loadlab serve` stops on Ctrl-C.
 */
import readline from 'node:readline';
import { createApiServer, type ApiServer } from '../../../engine/api/index.js';
import { createEngine, type Engine } from '../../../engine/index.js';
import { createLogger } from '../../../engine/log/index.js';
import { eventId, type KillPoint, type ResumedData, type WorkerCommand, type WorkerInput, type WorkerLine } from './protocol.js';

const emit = (line: WorkerLine): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

function fail(err: unknown): never {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

/** Kill points armed by the parent; each fires once. */
class Trap {
  private armed: KillPoint | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly freezeMs: number,
  ) {}

  arm(point: KillPoint): void {
    this.armed = point;
    if (point !== 'between-checkpoints') return;
    // The checkpointer offers no hook: a new write shows in its counter (bumped once the store confirmed it).
    const writes = this.engine.metrics().checkpoints.writes;
    this.poll = setInterval(() => {
      const now = this.engine.metrics().checkpoints.writes;
      if (now > writes) this.hit('between-checkpoints', `checkpoint write ${now} confirmed; the next step is starting`);
    }, 1);
  }

  /**
   * Reports the kill point and holds the event loop still (Atomics.wait blocks the thread), so
   * the process is killed in exactly the state it reported: no callback runs after the line.
   */
  hit(point: KillPoint, detail: string): void {
    if (this.armed !== point) return;
    this.armed = undefined;
    clearInterval(this.poll);
    emit({ k: 'hit', point, detail });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.freezeMs);
  }
}

function observe(engine: Engine, trap: Trap): void {
  const publisher = engine.events;
  const publish = publisher.publish.bind(publisher);
  publisher.publish = (sessionId, eventType, data, options) => {
    const pending = publish(sessionId, eventType, data, options);
    // The sequence is taken synchronously inside publish(), before its first await.
    const id = eventId(sessionId, publisher.currentSequence(sessionId));
    emit({ k: 'ev', id, sid: sessionId, type: eventType, ok: false });
    return pending.then((envelope) => {
      emit({
        k: 'ev',
        id,
        sid: sessionId,
        type: eventType,
        ok: true,
        ...(eventType === 'session_resumed' ? { resumed: data as ResumedData } : {}),
      });
      if (eventType === 'contribution') trap.hit('mid-round', `contribution ${id} accepted; the round's other persona calls are in flight`);
      return envelope;
    });
  };
  const tracker = engine.costs;
  const track = tracker.track.bind(tracker);
  tracker.track = (input) => {
    const record = track(input);
    emit({ k: 'cost', id: record.requestId, sid: record.sessionId, usd: record.totalCost, at: record.createdAt.getTime() });
    return record;
  };
  // The statement is on the wire once the pool handed it a connection: one turn of the loop later.
  const events = engine.repositories.events;
  const saveBatch = events.saveBatch.bind(events);
  events.saveBatch = (rows) => {
    const pending = saveBatch(rows);
    setImmediate(() => trap.hit('event-flush', `INSERT of ${rows.length} events into session_events issued, not confirmed`));
    return pending;
  };
  const costs = engine.repositories.costs;
  const insertBatch = costs.insertBatch.bind(costs);
  costs.insertBatch = (records) => {
    const pending = insertBatch(records);
    setImmediate(() => trap.hit('cost-flush', `INSERT of ${records.length} cost records into api_costs issued, not confirmed`));
    return pending;
  };
}

function lines(): AsyncIterableIterator<string> {
  return readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
}

async function main(): Promise<void> {
  const input = lines();
  const first = await input.next();
  if (first.done === true) throw new Error('stdin closed before the input line');
  const o = JSON.parse(first.value) as WorkerInput;
  const open: { engine?: Engine; server?: ApiServer; sweeper?: NodeJS.Timeout } = {};
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(open.sweeper);
    void (async () => {
      await open.server?.close();
      await open.engine?.close();
    })().then(() => process.exit(0), fail);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.once('end', stop);

  const engine = await createEngine({ config: o.config, logger: createLogger({ level: 'error', name: 'engine-crash-worker' }) });
  open.engine = engine;
  const trap = new Trap(engine, o.freezeMs);
  observe(engine, trap);
  for (const u of o.users) {
    await engine.repositories.users.create({ id: u.id, email: `${u.id}@loadlab.invalid` });
    await engine.repositories.users.addToken(u.id, u.token, 'engine-crash');
  }
  // What `loadlab serve` does: take over sessions a dead engine left running, at start and then
  // every sweepMs (a lease still fresh at start goes stale later).
  const sweep = async (): Promise<void> => {
    const r = await engine.resumeOrphans();
    if (r.resumed.length + r.skipped.length > 0)
      emit({ k: 'swept', resumed: r.resumed.length, skipped: r.skipped.map((s) => ({ sid: s.sessionId, code: s.code })) });
  };
  await sweep();
  open.sweeper = setInterval(
    () => void sweep().catch((err: unknown) => process.stderr.write(`resume sweep failed: ${String(err)}\n`)),
    o.sweepMs,
  );
  const server = await createApiServer(engine);
  open.server = server;
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const address = server.app.server.address();
  emit({ k: 'ready', port: typeof address === 'object' && address !== null ? address.port : 0, pid: process.pid });
  for await (const line of input) {
    const cmd = JSON.parse(line) as WorkerCommand;
    if (cmd.cmd === 'arm') trap.arm(cmd.point);
  }
}

main().catch(fail);
