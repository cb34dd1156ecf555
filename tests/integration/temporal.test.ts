import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../clients/redis';
import { connectTemporal, connectWorkerTemporal } from '../../clients/temporal';
import { createStackCheckActivities } from './fixtures/stack-check.activities';
import { stackCheckWorkflow } from './fixtures/stack-check.workflow';
import { config, uniqueName } from './support';

const redis = createRedis(config.redis);
const key = uniqueName('it-temporal');

describe('real Temporal', () => {
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('runs a workflow with activities to completion and keeps its history', async () => {
    const taskQueue = uniqueName('it-queue');
    const worker = await Worker.create({
      connection: await connectWorkerTemporal(config.temporal),
      namespace: config.temporal.namespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/stack-check.workflow.ts', import.meta.url)),
      activities: createStackCheckActivities(redis),
    });
    const client = await connectTemporal(config.temporal);
    const workflowId = uniqueName('stack-check');

    const result = await worker.runUntil(client.workflow.execute(stackCheckWorkflow, { taskQueue, workflowId, args: [key, ['a', 'b', 'c']] }));

    expect(result).toBe(3);
    expect(await redis.lrange(key, 0, -1)).toEqual(['a', 'b', 'c']);
    const description = await client.workflow.getHandle(workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
    await client.connection.close();
  });
});
