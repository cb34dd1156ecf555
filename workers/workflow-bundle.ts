/**
 * The workflow code, bundled ahead of time. Bundling at each worker start runs webpack inside the
 * worker and leaves its peak resident memory ~100 MB higher for good (docs/benchmarks.md, "Memory"), so the
 * bundle is built once per version of the sources, by a short-lived process of its own, and the
 * worker only loads it. Run as a script (`tsx workers/workflow-bundle.ts`), it builds the bundle of
 * the current sources if it is not there yet and prints its path; with `--traced`, the bundle with
 * Temporal's OpenTelemetry workflow interceptors, which workers load when tracing is on (only then,
 * so untraced workflows pay nothing for it).
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOWS = join(ROOT, 'workflows', 'index.ts');
const BUNDLES = join(ROOT, '.run', 'workflow-bundles');
/** What the bundle is made of: the workflows, the pure domain code they import, and the SDK's version. */
const SOURCES = ['workflows', 'lib', 'activities'];
const OTEL_INTERCEPTORS = createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []))
    .sort();
}

/** Where the bundle of the sources as they are now lives: a new version of them gets a new file. */
export function workflowBundlePath(traced = false): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file));
  hash.update(readFileSync(join(ROOT, 'node_modules', '@temporalio', 'workflow', 'package.json')));
  if (traced) hash.update(readFileSync(join(OTEL_INTERCEPTORS, '..', '..', 'package.json')));
  return join(BUNDLES, `workflows-${hash.digest('hex').slice(0, 16)}${traced ? '-traced' : ''}.js`);
}

/** Builds the bundle in this process: for the short-lived script, not for a worker. */
async function buildHere(path: string, traced: boolean): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS,
    logger: quietLogger,
    ...(traced && { workflowInterceptorModules: [OTEL_INTERCEPTORS] }),
  });
  mkdirSync(BUNDLES, { recursive: true });
  // Workers starting together may build it at once: each renames a whole file into place.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, path);
  // Older versions go; the other variant of this version stays.
  const keep = [path, workflowBundlePath(!traced)];
  for (const old of readdirSync(BUNDLES)) if (!keep.includes(join(BUNDLES, old)) && old.endsWith('.js')) rmSync(join(BUNDLES, old), { force: true });
}

/**
 * The current bundle's path, built first in a child process if missing (a worker started without
 * `make`, as the tests do), so webpack's memory never becomes the worker's.
 */
export async function workflowBundle({ traced = false } = {}): Promise<{ codePath: string }> {
  const codePath = workflowBundlePath(traced);
  if (!existsSync(codePath)) {
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), [fileURLToPath(import.meta.url), ...(traced ? ['--traced'] : [])], { cwd: ROOT });
  }
  return { codePath };
}

const quietLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const traced = process.argv.includes('--traced');
  const path = workflowBundlePath(traced);
  if (!existsSync(path)) await buildHere(path, traced);
  console.log(relative(ROOT, path));
}
