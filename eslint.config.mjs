// Flat config: typescript-eslint's type-aware rules over src/ and test/, with
// Prettier owning formatting (eslint-config-prettier turns off clashing rules).
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

// The import rules of DESIGN.md §5, one `no-restricted-imports` per layer.
// Flat config replaces a rule's options file by file rather than merging
// them, so each layer below lists every pattern that applies to it.

/** Node modules that reach outside the process: files, sockets, children, the clock of the OS. */
const NODE_IO = [
  'node:*',
  'fs',
  'fs/*',
  'child_process',
  'net',
  'http',
  'http2',
  'https',
  'os',
  'dgram',
  'dns',
  'tls',
  'readline',
  'worker_threads',
];

/** The implementations: only the composition root (src/backends/compose-backends.ts) imports them. */
const IMPLEMENTATIONS = {
  group: [
    '**/backends/local',
    '**/backends/local/**',
    '**/backends/sagemaker',
    '**/backends/sagemaker/**',
    './local/**',
    './sagemaker/**',
  ],
  message:
    "only src/backends/compose-backends.ts imports a backend's implementation; use the interfaces in src/backends/ and the composition root",
};

/** The Python runner the two backends share: theirs to call, not the layers above them. */
const PYTHON_RUNNER = {
  group: ['**/python/*'],
  message: 'the Python runner belongs to the backends; stop it through stopBackendProcesses',
};

/** The root imports both implementations: an implementation importing it would import the other one. */
const ROOT = {
  group: ['**/compose-backends'],
  message: 'an implementation does not import the composition root (it imports both backends)',
};

/** Layers above the backends, which nothing below them may reach up into. */
const UPPER_LAYERS = {
  // A regex, since a glob for the worker (`**/worker`) would match @temporalio/worker too.
  regex: '^\\.[./]*/(activities|cli|api|worker)(/.*)?$',
  message: 'a backend does not import activities, the CLI, the API or the worker',
};

const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

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
    rules: restrict(
      {
        group: ['fs', 'node:*', 'child_process', 'net', 'http', 'https', 'os'],
        message: 'workflow code is deterministic: do I/O in an activity',
      },
      {
        // The backends' contracts are zod schemas and interfaces, pure data that
        // the workflows' own shapes are built from; the rest does I/O.
        group: [
          '**/backends/**',
          '!**/backends/backend-target',
          '!**/backends/hosting',
          '!**/backends/registry',
          '!**/backends/trainer',
          '**/activities',
          '**/activities/*',
          '**/dataset/*',
          '!**/dataset/dataset-profile',
        ],
        allowTypeImports: true,
        message:
          "workflows import activity types and the backends' schemas only, never backends or I/O code",
      },
      {
        // src/shared and src/temporal hold I/O helpers too; these are pure constants.
        group: [
          '**/shared/*',
          '!**/shared/failure-types',
          '!**/shared/seeded-random',
          '**/temporal/*',
          '!**/temporal/search-attributes',
          '!**/temporal/task-queues',
          '**/python/*',
          '**/cli/**',
          '**/api/**',
          '../worker',
        ],
        allowTypeImports: true,
        message: 'workflows import only pure code: definitions, config, selection, constants',
      },
    ),
  },
  {
    // The two implementations never import each other; what both need is in src/python or src/shared.
    files: ['src/backends/local/**/*.ts'],
    rules: restrict(
      {
        group: ['**/sagemaker', '**/sagemaker/**'],
        message:
          'backends/local never imports backends/sagemaker; share code through src/python or src/shared',
      },
      ROOT,
      UPPER_LAYERS,
    ),
  },
  {
    files: ['src/backends/sagemaker/**/*.ts'],
    rules: restrict(
      {
        group: ['**/local', '**/local/**'],
        message:
          'backends/sagemaker never imports backends/local; share code through src/python or src/shared',
      },
      ROOT,
      UPPER_LAYERS,
    ),
  },
  {
    // Metrics and selection are pure functions: workflows run them in the sandbox.
    files: ['src/evaluation/**/*.ts'],
    rules: restrict(
      { group: NODE_IO, message: 'evaluation is pure: take data as arguments, do no I/O' },
      {
        group: [
          '**/backends/**',
          '**/activities',
          '**/activities/**',
          '**/cli/**',
          '**/api/**',
          '**/temporal/**',
          '**/python/**',
          '**/dataset/**',
          '../worker',
          '@temporalio/*',
          '@aws-sdk/*',
        ],
        message:
          'evaluation is pure: no backends, activities, CLI, API, Temporal or dataset reading',
      },
    ),
  },
  {
    // The CLI and the API reach backends through their interfaces and the composition root.
    files: ['src/cli/**/*.ts', 'src/api/**/*.ts'],
    rules: restrict(IMPLEMENTATIONS, PYTHON_RUNNER),
  },
  {
    // Activities are thin wrappers over the interfaces; the root hands them the parts.
    files: ['src/activities/**/*.ts'],
    rules: restrict(IMPLEMENTATIONS, PYTHON_RUNNER, {
      group: ['**/compose-backends'],
      message: 'activities receive their backends (createActivities(deps)); they do not build them',
    }),
  },
  {
    // Everything else: nothing but the composition root imports an implementation.
    files: ['src/**/*.ts'],
    ignores: [
      'src/workflows/**',
      'src/backends/local/**',
      'src/backends/sagemaker/**',
      'src/backends/compose-backends.ts',
      'src/evaluation/**',
      'src/cli/**',
      'src/api/**',
      'src/activities/**',
    ],
    rules: restrict(IMPLEMENTATIONS),
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
