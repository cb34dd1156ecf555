/**
 * The workflow code, bundled ahead of time. Bundling at each worker start runs webpack inside the
 * worker and leaves its peak resident memory ~100 MB higher for good (README, "Memory"), so the
 * bundle is built once per version of the sources, by a short-lived process of its own, and the
 * worker only loads it. Run as a script (`tsx workers/workflow-bundle.ts`), it builds the bundle of
 * the current sources if it is not there yet and prints its path.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKFLOWS = join(ROOT, 'workflows', 'index.ts');
const BUNDLES = join(ROOT, '.run', 'workflow-bundles');
/** What the bundle is made of: the workflows, the pure domain code they import, and the SDK's version. */
const SOURCES = ['workflows', 'lib', 'activities'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []))
    .sort();
}

/** Where the bundle of the sources as they are now lives: a new version of them gets a new file. */
export function workflowBundlePath(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((dir) => sourceFiles(join(ROOT, dir)))) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file));
  hash.update(readFileSync(join(ROOT, 'node_modules', '@temporalio', 'workflow', 'package.json')));
  return join(BUNDLES, `workflows-${hash.digest('hex').slice(0, 16)}.js`);
}

/** Builds the bundle in this process: for the short-lived script, not for a worker. */
async function buildHere(path: string): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: quietLogger });
  mkdirSync(BUNDLES, { recursive: true });
  // Workers starting together may build it at once: each renames a whole file into place.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, path);
  for (const old of readdirSync(BUNDLES)) if (join(BUNDLES, old) !== path && old.endsWith('.js')) rmSync(join(BUNDLES, old), { force: true });
}

/**
 * The current bundle's path, built first in a child process if missing (a worker started without
 * `make`, as the tests do), so webpack's memory never becomes the worker's.
 */
export async function workflowBundle(): Promise<{ codePath: string }> {
  const codePath = workflowBundlePath();
  if (!existsSync(codePath)) {
    await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsx'), [fileURLToPath(import.meta.url)], { cwd: ROOT });
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
  const path = workflowBundlePath();
  if (!existsSync(path)) await buildHere(path);
  console.log(relative(ROOT, path));
}
