import { hash32, prng } from './random.js';

const FEATURE_WORDS = 24;
const DIMS_PER_WORD = 6;
const WORD_WEIGHT = 0.35;

/**
 * A deterministic unit vector for a text. Two parts: a dense pseudo-random part seeded by the
 * whole text (distinct texts are nearly orthogonal) and sparse features for its first distinct
 * words (texts sharing vocabulary share components), so cosine similarity means something:
 * identical texts -> 1, related texts -> noticeably above unrelated ones.
 */
export function textVector(text: string, dims: number, seed: number): Float32Array {
  const v = new Float32Array(dims);
  const rand = prng(hash32(text, seed));
  for (let i = 0; i < dims; i++) v[i] = rand() - 0.5;
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += (v[i] ?? 0) ** 2;
  const dense = (1 - WORD_WEIGHT) / Math.sqrt(norm || 1);
  for (let i = 0; i < dims; i++) v[i] = (v[i] ?? 0) * dense;

  const seen = new Set<string>();
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (raw.length < 4 || seen.has(raw)) continue;
    seen.add(raw);
    const h = hash32(raw, seed);
    for (let k = 0; k < DIMS_PER_WORD; k++) {
      const idx = (h + k * 2654435761) % dims;
      v[idx] = (v[idx] ?? 0) + WORD_WEIGHT / Math.sqrt(FEATURE_WORDS * DIMS_PER_WORD);
    }
    if (seen.size >= FEATURE_WORDS) break;
  }
  normalize(v);
  return v;
}

export function normalize(v: Float32Array): void {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += (v[i] ?? 0) ** 2;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) * s;
}

/** Voyage counts ~1.3 tokens per word (estimate of the audited system, docs/audited-system.md §5.1). */
export function embeddingTokens(text: string): number {
  const words = text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
  return Math.ceil(words * 1.3);
}
