// ESLint on the extension's TypeScript (typescript-eslint's recommended rules), run by `npm test` (`npm run lint`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['extension/scripts/**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['extension/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
