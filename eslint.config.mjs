// Flat config: typescript-eslint's type-aware rules over src/ and test/, with
// Prettier owning formatting (eslint-config-prettier turns off clashing rules).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', '.venv/', '.ferry/', 'dist/', 'coverage/', 'test-output/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: it may not reach
    // for I/O, clocks or randomness itself. This keeps the layer honest (DESIGN.md §5).
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fs', 'node:*', 'child_process', 'net', 'http', 'https', 'os'],
              message: 'workflow code is deterministic: do I/O in an activity',
            },
            {
              group: ['**/backends/**', '**/activities', '**/activities/*', '**/dataset/*'],
              allowTypeImports: true,
              message: 'workflows import activity types only, never backends or I/O code',
            },
          ],
        },
      ],
    },
  },
  {
    // The report and the HTTP API are faces beside the CLI, not above it: what
    // they share with it lives in text/, shared/ or temporal/ (DESIGN.md §5).
    files: ['src/report/**/*.ts', 'src/api/**/*.ts', 'src/text/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli', '**/cli/*'],
              message: 'share it through src/text, src/shared or src/temporal instead of cli/',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
