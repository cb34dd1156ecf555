import { ActivityCancellationType, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { StreamConsumerActivities } from '../activities/stream-consumer-activities';
import type { ConsumerKind } from '../lib/consumer-kinds';
import { consumerTaskQueue } from '../lib/task-queues';

export interface StreamConsumersInput {
  kind: ConsumerKind;
  /** Consumers in the Kafka group; each is one activity, hosted by one worker process of the kind. */
  consumers: number;
}

/**
 * Keeps `consumers` long-running consumer activities of one kind alive for as long as it runs.
 * A consumer heartbeats; when its worker dies the heartbeat stops, Temporal retries the activity
 * on a live worker, and the consumer resumes from its group's committed offsets.
 */
export async function streamConsumersWorkflow({ kind, consumers }: StreamConsumersInput): Promise<void> {
  const activities = proxyActivities<StreamConsumerActivities>({
    taskQueue: consumerTaskQueue(workflowInfo().taskQueue, kind),
    startToCloseTimeout: '3650 days',
    heartbeatTimeout: '15 seconds',
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds' },
  });
  await Promise.all(Array.from({ length: consumers }, (_, i) => activities.runStage(kind, i)));
}
