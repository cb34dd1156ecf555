import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Layering: each folder may import only the layers below it (README, "Where things are"). */
const layer = (files, blockedFolders, blockedPackages = []) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: blockedPackages.map((name) => ({ name, message: `${files[0]} must not do this kind of I/O.` })),
        patterns: [
          ...(blockedFolders.length ? [{ group: blockedFolders.map((f) => `**/${f}/**`), message: `${files[0]} imports only the layers below it.` }] : []),
          { group: ['**/streams/testing/**'], message: 'clients/streams/testing/ holds test doubles: only tests and bench import it.' },
        ],
      },
    ],
  },
});
const IO = ['kafkajs', 'ioredis', 'classic-level', 'fs', 'node:fs', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.run/**', '.build/**', '.tools/**', 'web/.svelte-kit/**', 'web/build/**', 'data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }] } },
  layer(['lib/**/*.ts'], ['clients', 'activities', 'workflows', 'workers', 'scripts'], [...IO, '@temporalio/client', '@temporalio/worker']),
  layer(['clients/**/*.ts'], ['activities', 'workflows', 'workers', 'scripts']),
  layer(['activities/**/*.ts'], ['workflows', 'workers', 'scripts']),
  layer(['workflows/**/*.ts'], ['clients', 'workers', 'scripts'], [...IO, '@temporalio/client', '@temporalio/worker']),
  // The web app uses lib/ and clients/, never the worker side; its browser code only lib/ and
  // web/src/lib/ outside server/ (SvelteKit refuses $lib/server in the browser bundle).
  layer(['web/src/**/*.ts'], ['activities', 'workflows', 'workers', 'scripts']),
  layer(
    ['web/src/lib/*.ts', 'web/src/lib/components/**/*.ts'],
    ['clients', 'activities', 'workflows', 'workers', 'scripts', 'server'],
    [...IO, '@temporalio/client', '@temporalio/worker'],
  ),
  layer(['workers/**/*.ts', 'scripts/**/*.ts'], []),
  { files: ['web/*.js'], languageOptions: { globals: { URL: 'readonly' } } },
);
