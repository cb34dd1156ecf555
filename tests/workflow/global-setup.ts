/**
 * Bundles the workflow code once, before the workflow test files start in parallel, into a file of
 * this run's own: the workers' shared bundle folder (workers/workflow-bundle.ts) drops old bundles
 * whenever the sources change, which would pull the bundle from under a running test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'clickstream-workflow-tests-'));
  const codePath = join(dir, 'workflows.js');
  const quiet = {
    log: () => {},
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (m: string) => console.warn(m),
    error: (m: string) => console.error(m),
  };
  const { code } = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)), logger: quiet });
  writeFileSync(codePath, code);
  project.provide('workflowBundlePath', codePath);
  return () => rmSync(dir, { recursive: true, force: true });
}
