import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './run-result.schema.json' with { type: 'json' };
import { HARNESS_ERRORS, LoadlabError } from '../errors/index.js';
import type { RunResult } from './types.js';

export interface ResultValidationError {
  /** JSON pointer to the offending value ("" for the root). */
  path: string;
  message: string;
}

export type RunResultValidation = { valid: true; errors: []; value: RunResult } | { valid: false; errors: ResultValidationError[] };

/** The schema object, for tools that want to publish or embed it. */
export const RUN_RESULT_SCHEMA: object = schema;

let compiled: ValidateFunction | undefined;

// Compiled lazily and once: compiling costs a few ms and most imports of this module only want types.
function validator(): ValidateFunction {
  if (compiled === undefined) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

function toIssue(e: ErrorObject): ResultValidationError {
  const params = e.params as Record<string, unknown>;
  let message = e.message ?? 'invalid';
  if (e.keyword === 'additionalProperties') message = `unknown property "${String(params['additionalProperty'])}"`;
  if (e.keyword === 'enum') message = `${message}: ${JSON.stringify(params['allowedValues'])}`;
  return { path: e.instancePath, message };
}

/** Checks a parsed JSON value against the RunResult schema and returns every error, not the first. */
export function validateRunResult(json: unknown): RunResultValidation {
  const validate = validator();
  if (validate(json)) return { valid: true, errors: [], value: json as RunResult };
  return { valid: false, errors: (validate.errors ?? []).map(toIssue) };
}

/** Throwing variant for writers: a result that does not validate is a harness bug, not user error. */
export function assertRunResult(json: unknown): RunResult {
  const r = validateRunResult(json);
  if (r.valid) return r.value;
  const lines = r.errors.slice(0, 20).map((e) => `  ${e.path || '/'}: ${e.message}`);
  throw new LoadlabError(
    HARNESS_ERRORS.RESULT_INVALID,
    `RunResult does not match schema v1 (${r.errors.length} error(s)):\n${lines.join('\n')}`,
  );
}
