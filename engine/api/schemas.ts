import type { ApiSettings } from './defaults.js';

/**
 * JSON schemas shared by the routes. Fastify validates requests with them (ajv) and builds the
 * OpenAPI document from them; response schemas also speed up serialisation. Every string that
 * reaches PostgreSQL is bounded and excludes NUL (PostgreSQL text rejects it: a 500 otherwise).
 */

const NO_NUL = '^[^\\u0000]*$';

export const SESSION_ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$', description: 'session id (bo1_<uuid>)' } as const;
export const UUID = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;

export const SESSION_STATUSES = [
  'created',
  'running',
  'completed',
  'failed',
  'killed',
  'deleted',
  'paused',
  'terminated',
  'evicting',
  'evicted',
] as const;
export const ACTION_STATUSES = [
  'todo',
  'in_progress',
  'blocked',
  'in_review',
  'done',
  'cancelled',
  'failed',
  'abandoned',
  'replanned',
] as const;

export const ERROR_RESPONSE = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

/** Standard error responses every authenticated route can give. */
export const ERRORS = { 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 404: ERROR_RESPONSE, 429: ERROR_RESPONSE, 503: ERROR_RESPONSE } as const;

export const SESSION_PARAMS = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: SESSION_ID },
} as const;

export const SECURITY = [{ bearerAuth: [] }];

export const SESSION_VIEW = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    user_id: { type: 'string' },
    problem_statement: { type: 'string' },
    problem_context: {},
    status: { type: 'string' },
    phase: { type: 'string' },
    total_cost: { type: 'number' },
    round_number: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    synthesis_text: { type: ['string', 'null'] },
    final_recommendation: { type: ['string', 'null'] },
    expert_count: { type: 'integer' },
    contribution_count: { type: 'integer' },
    focus_area_count: { type: 'integer' },
    workspace_id: { type: ['string', 'null'] },
    task_count: { type: 'integer' },
  },
} as const;

export function createSessionBody(s: ApiSettings) {
  return {
    type: 'object',
    required: ['problem_statement'],
    additionalProperties: false,
    properties: {
      problem_statement: { type: 'string', minLength: s.problemMinChars, maxLength: s.problemMaxChars, pattern: NO_NUL },
      problem_context: { type: 'object', maxProperties: 50 },
    },
  } as const;
}

export function listSessionsQuery(s: ApiSettings) {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: s.listMaxLimit, default: s.listDefaultLimit },
      offset: { type: 'integer', minimum: 0, maximum: s.maxOffset, default: 0 },
      status: { type: 'string', enum: [...SESSION_STATUSES] },
      workspace_id: UUID,
    },
  } as const;
}

export function listActionsQuery(s: ApiSettings) {
  const uuid = UUID.pattern.slice(1, -1);
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: [...ACTION_STATUSES] },
      // Comma-separated tag ids, AND semantics: an action must carry every tag.
      tag_ids: { type: 'string', maxLength: s.maxTagIds * 37, pattern: `^${uuid}(,${uuid}){0,${s.maxTagIds - 1}}$` },
      project_id: UUID,
      session_id: SESSION_ID,
      limit: { type: 'integer', minimum: 1, maximum: s.actionsMaxLimit, default: s.actionsDefaultLimit },
      offset: { type: 'integer', minimum: 0, maximum: s.maxOffset, default: 0 },
    },
  } as const;
}

export const STREAM_HEADERS = {
  type: 'object',
  properties: { 'last-event-id': { type: 'string', maxLength: 200, description: '<session_id>:<sequence> of the last event received' } },
} as const;
