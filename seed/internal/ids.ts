import { hash32 } from './prng.js';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(n: number): string {
  return (
    (HEX[(n >>> 24) & 255] as string) + (HEX[(n >>> 16) & 255] as string) + (HEX[(n >>> 8) & 255] as string) + (HEX[n & 255] as string)
  );
}

/**
 * A version-4-shaped UUID derived from (seed, kind, index): the same inputs always give the same
 * id, so child tables can name their parents without holding them in memory.
 */
export function uuidFor(seed: number, kind: number, index: number): string {
  const a = hash32(seed, kind, index, 1);
  const b = (hash32(seed, kind, index, 2) & 0xffff0fff) | 0x00004000;
  const c = (hash32(seed, kind, index, 3) & 0x3fffffff) | 0x80000000;
  const d = hash32(seed, kind, index, 4);
  const hb = hex32(b);
  const hc = hex32(c);
  return `${hex32(a)}-${hb.slice(0, 4)}-${hb.slice(4)}-${hc.slice(0, 4)}-${hc.slice(4)}${hex32(d)}`;
}
