/**
 * Bundles each worker into one JavaScript file in .build/, which stack/workers.sh runs with plain
 * node: through tsx, each worker process carried tsx's loader and the sources it transformed
 * (~35 MB more resident memory), plus a tsx launcher process of ~50 MB. Packages stay in
 * node_modules, loaded as node loads them. `make workers` runs it when a source changed; the tests
 * start their workers through tsx as before. usage: tsx workers/build-workers.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** One folder below the root, as workers/ is: workflow-bundle.js finds the sources from its own place. */
export const BUILD_DIR = '.build';

/**
 * workflow-bundle.ts runs as a script of its own (to build the workflow code outside the workers)
 * and knows it is one by its file name: it stays a file beside the workers, which import it.
 */
const workflowBundleApart: Plugin = {
  name: 'workflow-bundle-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/workflow-bundle$/ }, (args) => (args.kind === 'entry-point' ? undefined : { path: './workflow-bundle.js', external: true }));
  },
};

await build({
  absWorkingDir: ROOT,
  entryPoints: ['workers/orchestrator.ts', 'workers/stream-worker.ts', 'workers/workflow-bundle.ts'],
  outdir: BUILD_DIR,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // For `node --enable-source-maps` when a stack trace should name the TypeScript sources; off by
  // default, as every loaded map then stays in memory.
  sourcemap: true,
  logLevel: 'warning',
  plugins: [workflowBundleApart],
});
// Built output, never committed: the folder ignores itself.
mkdirSync(join(ROOT, BUILD_DIR), { recursive: true });
writeFileSync(join(ROOT, BUILD_DIR, '.gitignore'), '*\n');
console.log(`workers built in ${BUILD_DIR}/`);
