// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { routeSize } from './eslint/route-size.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', '**/testdata/', '**/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
      // Input checks match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Routes are HTTP only: short handlers, plugin functions split by resource.
    files: ['src/**/*routes.ts', 'src/**/*routes.tsx', 'src/core/http/*.ts', 'src/core/http/*.tsx'],
    plugins: { house: { rules: { 'route-size': routeSize } } },
    rules: { 'house/route-size': ['error', { handlerLines: 25, pluginLines: 60 }] },
  },
  {
    // Migrations describe tables as they were then, not as schema.ts says now (Kysely's advice).
    files: ['src/core/db/migrations/**', 'src/core/db/migration.ts', 'src/core/db/columns.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
