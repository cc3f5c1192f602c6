import type { SessionRun } from './run.js';

/**
 * Embeds the texts one convergence check needs. `per_text` reproduces bo1: one Voyage request
 * per text, issued one after another (the synchronous client serialised the "parallel" gather,
 * §4.7), duplicates included. `batched` dedupes and sends batches of embeddings.batchSize.
 */
export async function embedAll(run: SessionRun, texts: readonly string[], subProblemIndex: number, round: number): Promise<Float32Array[]> {
  const context = { sessionId: run.sessionId, userId: run.userId, node: 'check_convergence', subProblemIndex, round };
  if (!run.embeddingBatched) {
    const out: Float32Array[] = [];
    for (const t of texts) {
      run.checkAborted();
      run.counters.embeddingRequests++;
      const r = await run.ports.llm.embed([t], context);
      out.push(r.vectors[0] as Float32Array);
    }
    return out;
  }
  const unique = [...new Set(texts)];
  const byText = new Map<string, Float32Array>();
  const size = Math.max(1, run.limits.embeddingBatchSize);
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += size) batches.push(unique.slice(i, i + size));
  await Promise.all(
    batches.map(async (batch) => {
      run.counters.embeddingRequests++;
      const r = await run.ports.llm.embed(batch, context);
      batch.forEach((t, i) => byText.set(t, r.vectors[i] as Float32Array));
    }),
  );
  return texts.map((t) => byText.get(t) as Float32Array);
}
