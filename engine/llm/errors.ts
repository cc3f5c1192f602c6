/**
 * Error codes of engine/llm. engine/errors/codes.ts is the foundation's registry; these codes
 * follow its `LL_` scheme and are listed in docs/errors.md under "llm".
 */
export const LLM_ERRORS = {
  MOCK_PROFILE_UNKNOWN: 'LL_LLM_MOCK_PROFILE_UNKNOWN',
  MOCK_PROFILE_INVALID: 'LL_LLM_MOCK_PROFILE_INVALID',
  CONFIG_INVALID: 'LL_LLM_CONFIG_INVALID',
  API_KEY_MISSING: 'LL_LLM_API_KEY_MISSING',
  CALL_FAILED: 'LL_LLM_CALL_FAILED',
  EMBEDDING_FAILED: 'LL_LLM_EMBEDDING_FAILED',
} as const;
