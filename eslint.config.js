// Lint rules are the style guide: explicit return types, no floating promises, and a wall that keeps
// I/O out of the pure core (core/, policy/, models/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = ['@kubernetes/client-node', 'pino', 'prom-client', 'node-cron', 'node:*', 'fs', 'http', 'https'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/explicit-function-return-type': ['error', { allowExpressions: true, allowTypedFunctionExpressions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-params': ['warn', 5],
      complexity: ['warn', 15],
      'max-depth': ['warn', 4],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/policy/**/*.ts', 'models/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ioModules.map((group) => ({ group: [group], message: 'The pure core does no I/O: pass it in through a port.' })) }],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Time is an argument in the pure core.' }, { name: 'process', message: 'No environment reads in the pure core.' }],
    },
  },
  {
    files: ['test/**/*.ts', 'tools/**/*.{ts,mjs}', 'bench/perf/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/explicit-function-return-type': 'off' },
  },
  { files: ['**/*.{js,mjs}'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
