import { dirname } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests run on Node.js 24 or newer (`make` puts it first on PATH: stack/node.sh), and so does every
// process they start: workers, the web server, tsx, npx and the stack scripts find this node first.
const NODE_MAJOR = 24;
if (Number(process.versions.node.split('.')[0]) < NODE_MAJOR) {
  throw new Error(
    `the tests need Node.js ${NODE_MAJOR} or newer, not ${process.version}: run them through make, or put $TOOLS_DIR/node/bin first on PATH (stack/node.sh install puts Node.js ${NODE_MAJOR} there)`,
  );
}
process.env.PATH = `${dirname(process.execPath)}:${process.env.PATH}`;

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          // Workflows on Temporal's time-skipping test server, activities mocked (`make workflow`):
          // hours of workflow time in milliseconds, no running stack.
          name: 'workflow',
          include: ['tests/workflow/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/workflow/global-setup.ts'],
          // Each file waits mostly on its own test server: two at a time, even on two cores.
          maxWorkers: 2,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // The integration tests share one real stack; running them one file at a time keeps
          // their topics, keys and workflows from racing each other.
          fileParallelism: false,
        },
      },
      {
        test: {
          // Headless Chromium against the whole running system (`make e2e`; needs web/build).
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One private copy of the whole system, started once and shared by every e2e file.
          globalSetup: ['tests/e2e/system.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Fault injection and hostile input against real servers (`make chaos`): killed workers,
          // restarted services, bad records and bad requests, load on the click endpoint.
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
