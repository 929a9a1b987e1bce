import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'data/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    // The core knows no I/O: no SDK, no database, no node: module. Adapters bring those in.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'src/core does no I/O: take what you need through a port (src/core/ports.ts).' },
            { group: ['@slack/*', '@kubernetes/*', 'better-sqlite3', 'node-cron', 'pino', 'ws', 'undici', 'prom-client', '@resvg/*'], message: 'src/core imports no SDK: put this in an adapter.' },
            { group: ['**/adapters/**', '**/runbook/**', '**/cli/**', '**/server/**', '**/triggers/**', '**/sim/**'], message: 'src/core depends on nothing outside it.' },
          ],
        },
      ],
    },
  },
);
