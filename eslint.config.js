// Lint is where the architecture's import direction is enforced (docs/contributing.md):
// scenarios -> harness -> engine <- seed; reports see only the RunResult types.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const part = (name) => [`../${name}/**`, `../../${name}/**`, `../../../${name}/**`, `../../../../${name}/**`];

const restrict = (forbidden, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: forbidden.flatMap(part), message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'loadlab-report/**', 'scenarios/k6/dist/**', '.loadlab/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Tests included: engine tests get their fixtures from test/engine-support, never test/support (which reaches the harness).
    files: ['engine/**/*.ts', 'test/engine-support/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['harness', 'scenarios', 'seed', 'reports'].flatMap(part),
              message: 'engine/ is the system under test: it imports nothing from harness, scenarios, seed or reports.',
            },
            {
              group: [
                '**/test/support/index.js',
                '**/test/support/**',
                '../support/index.js',
                '../support/scenario.js',
                '../support/redis.js',
                '../support/database.js',
              ],
              message: 'engine tests use test/engine-support (no harness code).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['seed/**/*.ts'],
    rules: restrict(['harness', 'scenarios', 'reports'], 'seed/ depends only on engine/.'),
  },
  {
    files: ['harness/**/*.ts'],
    rules: restrict(['scenarios'], 'harness/ finds scenarios through the registry, never by import.'),
  },
  {
    // The CLI sits on top of the harness: the runner, metrics and reports-facing parts never reach up into it.
    files: ['harness/**/*.ts'],
    ignores: ['harness/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: part('scenarios'), message: 'harness/ finds scenarios through the registry, never by import.' },
            {
              group: ['../cli/**', '../../cli/**', '../cli/*', '../../cli/*'],
              message: 'only harness/cli may import harness/cli (it is the top layer).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['reports/**/*.ts'],
    rules: restrict(['engine', 'seed', 'scenarios'], 'reports/ are pure functions of the RunResult: import only harness/result types.'),
  },
  {
    files: ['migrations/**'],
    rules: {},
  },
  {
    // The CLI printer and bin are the only places that write to the terminal directly.
    files: ['harness/cli/printer.ts', 'bin/**/*.js', 'bench/**/*.ts', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
