import { prng } from './random.js';

// A small neutral business vocabulary: enough variety for embeddings to differ, cheap to sample.
const VOCAB = (
  'market customer pricing revenue growth risk margin channel product launch team hiring cost ' +
  'runway retention churn segment partner supplier demand forecast scale quality brand trust ' +
  'regulation compliance data platform roadmap priority tradeoff option budget timeline metric ' +
  'experiment pilot feedback onboarding support capacity operations strategy focus advantage ' +
  'competitor position value contract renewal funnel conversion acquisition expansion region ' +
  'inventory logistics hedge exposure cash invest delay accelerate validate assume evidence ' +
  'signal uncertain likely unlikely strong weak critical minor short long term early late'
).split(' ');

/**
 * Deterministic prose of about `tokens` tokens (0.75 words per token), from the seed. Sentences
 * are cut at 12 words so the text looks like text in logs and reports.
 */
export function syntheticText(seed: number, tokens: number): string {
  const rand = prng(seed);
  const words = Math.max(1, Math.round(tokens * 0.75));
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const w = VOCAB[Math.floor(rand() * VOCAB.length)] ?? 'value';
    out.push(i % 12 === 11 ? `${w}.` : w);
  }
  return out.join(' ');
}

/** Rough token estimate the way tokenizers land on English prose (~4 chars per token). */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}
