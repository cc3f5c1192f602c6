/** Quality metrics of one convergence check (§4.7), from embeddings and a keyword heuristic. */
export interface QualityMetrics {
  convergence: number;
  novelty: number;
  focus: number;
  conflict: number;
  exploration: number;
  /** Mean pairwise similarity of the window, used by deadlock detection. */
  repetition: number;
  completeness: number;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

export function meanPairwise(vs: readonly Float32Array[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < vs.length; i++) {
    for (let j = i + 1; j < vs.length; j++) {
      sum += cosine(vs[i] as Float32Array, vs[j] as Float32Array);
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Novelty of the newest contributions against the earlier ones in the window (1 = all new). */
export function novelty(vs: readonly Float32Array[], newest: number): number {
  const earlier = vs.slice(0, Math.max(0, vs.length - newest));
  const recent = vs.slice(vs.length - newest);
  if (earlier.length === 0 || recent.length === 0) return 1;
  let sum = 0;
  for (const r of recent) sum += Math.max(...earlier.map((e) => cosine(r, e)));
  return 1 - sum / recent.length;
}

const DISSENT = /\b(risk|weak|unlikely|critical|delay|uncertain|hedge|exposure)\b/gi;

/** §4.7 conflict is a keyword heuristic: share of dissent words among all words. */
export function conflictScore(texts: readonly string[]): number {
  let hits = 0;
  let words = 0;
  for (const t of texts) {
    hits += t.match(DISSENT)?.length ?? 0;
    words += t.split(' ').length;
  }
  return words === 0 ? 0 : Math.min(1, (hits / words) * 10);
}

/** §4.7 meeting completeness: 0.35 exploration + 0.35 convergence + 0.20 focus + 0.10 novelty. */
export function completeness(m: Omit<QualityMetrics, 'completeness'>): number {
  return 0.35 * m.exploration + 0.35 * m.convergence + 0.2 * m.focus + 0.1 * m.novelty;
}
