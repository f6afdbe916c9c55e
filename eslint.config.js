// Lint rules: typescript-eslint's recommended set, plus the purity rule for src/core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Tests read JSON answers of many shapes; typing each one would add noise, not safety.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The dashboard runs in the browser.
    files: ['dashboard/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The core is pure: time and randomness come in as arguments, and it does no I/O.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'process'],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core is pure: take time from the injected Clock' },
        { object: 'Math', property: 'random', message: 'core is pure: take randomness from the injected Random' },
        { object: 'performance', property: 'now', message: 'core is pure: take time from the injected Clock' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^node:(?!crypto$|buffer$)', message: 'core may import only node:crypto and node:buffer' }] },
      ],
    },
  },
);
