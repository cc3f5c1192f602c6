import type { SeedContext } from '../plan.js';

/** One table's COPY target and its row stream (COPY text lines ending in '\n'). */
export interface TableSpec {
  readonly table: string;
  readonly columns: readonly string[];
  rows(ctx: SeedContext): Iterable<string>;
}
