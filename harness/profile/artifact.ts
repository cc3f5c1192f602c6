import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { validateRunResult, type Artifact } from '../result/index.js';
import { writeResult } from '../runner/index.js';
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import type { ProfileToolName } from './defaults.js';
import type { EndpointLoad } from './drive.js';

/** Folder (inside the report folder) that holds the profiles; artifact paths are relative to the report folder. */
export const PROFILE_SUBDIR = 'profile';
export const PROFILE_MANIFEST = 'profile.json';

/** One profiling run as recorded in profile.json. */
export interface ProfileRun {
  tool: ProfileToolName;
  scenario: string;
  startedAt: string;
  durationSec: number;
  artifact: Artifact;
  load: {
    name: string;
    path: string;
    connections: number;
    requests: number;
    requestsPerSec: number;
    non2xx: number;
    errors: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
  }[];
}

export interface ProfileManifest {
  schemaVersion: 1;
  /** Same shape as RunResult.artifacts, so a report can list them. */
  artifacts: Artifact[];
  runs: ProfileRun[];
}

/** Moves the HTML clinic wrote in `dest` to `<out>/profile/<tool>.html`; returns the absolute path. */
export function collectHtml(dest: string, outDir: string, tool: ProfileToolName): string {
  const html = existsSync(dest) ? readdirSync(dest).filter((f) => f.endsWith('.html')) : [];
  const found = html[0];
  if (found === undefined) {
    throw new LoadlabError(HARNESS_ERRORS.PROFILE_FAILED, `clinic wrote no HTML report in ${dest}`, {
      hint: "clinic needs NO_INSIGHT=1 without a TTY (loadlab sets it); check the output above for clinic's own error",
    });
  }
  const target = path.join(outDir, PROFILE_SUBDIR, `${tool}.html`);
  mkdirSync(path.dirname(target), { recursive: true });
  try {
    renameSync(path.join(dest, found), target);
  } catch {
    // Another filesystem: copy instead of rename.
    copyFileSync(path.join(dest, found), target);
    rmSync(path.join(dest, found), { force: true });
  }
  return target;
}

const ms = (v: number): number => Math.round(v * 100) / 100;

export function toRunLoad(loads: readonly EndpointLoad[]): ProfileRun['load'] {
  return loads.map((l) => ({
    name: l.name,
    path: l.path,
    connections: l.connections,
    requests: l.result.requests,
    requestsPerSec: Math.round(l.result.throughput.requestsPerSec * 10) / 10,
    non2xx: l.result.non2xx,
    errors: l.result.errors,
    latencyMs: {
      p50: ms(l.result.latency.p50),
      p95: ms(l.result.latency.p95),
      p99: ms(l.result.latency.p99),
      max: ms(l.result.latency.max),
    },
  }));
}

function upsert(list: Artifact[], a: Artifact): Artifact[] {
  return [...list.filter((x) => x.path !== a.path), a];
}

/**
 * Records the run in `<out>/profile.json` (merged with earlier profiles of other tools), and adds
 * the artifact to `<out>/audit.json` when a valid RunResult is there, so the report links it.
 * Returns whether audit.json was updated.
 */
export function recordProfile(outDir: string, run: ProfileRun): { manifest: string; auditUpdated: boolean } {
  const manifestPath = path.join(outDir, PROFILE_MANIFEST);
  let manifest: ProfileManifest = { schemaVersion: 1, artifacts: [], runs: [] };
  if (existsSync(manifestPath)) {
    try {
      const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<ProfileManifest>;
      if (Array.isArray(old.artifacts) && Array.isArray(old.runs))
        manifest = { schemaVersion: 1, artifacts: old.artifacts, runs: old.runs };
    } catch {
      // A damaged manifest is replaced: it only indexes files that are still there.
    }
  }
  manifest = {
    schemaVersion: 1,
    artifacts: upsert(manifest.artifacts, run.artifact),
    runs: [...manifest.runs.filter((r) => r.tool !== run.tool), run],
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const auditPath = path.join(outDir, 'audit.json');
  if (!existsSync(auditPath)) return { manifest: manifestPath, auditUpdated: false };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(auditPath, 'utf8'));
  } catch {
    return { manifest: manifestPath, auditUpdated: false };
  }
  const v = validateRunResult(json);
  if (!v.valid) return { manifest: manifestPath, auditUpdated: false };
  writeResult({ ...v.value, artifacts: upsert(v.value.artifacts, run.artifact) }, outDir);
  return { manifest: manifestPath, auditUpdated: true };
}
