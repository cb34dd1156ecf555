/** The visitor workflow's name, id, signal, update and query: shared by the feed (client side) and the workflow. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { VisitorClick } from './offer-state-machine';
import type { VisitorView } from './visitor-offers';

/** The feed starts visitor workflows by name: activities must not import workflow code. */
export const VISITOR_OFFER_WORKFLOW = 'visitorOfferWorkflow';

const WORKFLOW_ID_PREFIX = 'visitor-offers-';

/** One workflow per visitor, so signal-with-start finds the running one. */
export const visitorOfferWorkflowId = (userId: string) => `${WORKFLOW_ID_PREFIX}${userId}`;

/** The visitor a workflow id names, or null for another id. */
export const userIdOfWorkflow = (workflowId: string): string | null =>
  workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : null;

/**
 * A batch of one visitor's clicks, oldest first, and the rule-set version the feed runs (absent
 * from feeds before rule sets were published): a newer one than the workflow's is adopted.
 */
export const visitorClicksSignal = defineSignal<[VisitorClick[], number?]>('visitorClicks');

/**
 * The same clicks as an update: it completes once the visitor's worker has taken them in. The
 * feed starts new visitors' workflows with it (update-with-start), so its starts in flight bound
 * how many new workflows wait for the worker, and a burst of them cannot bury running visitors'
 * tasks in the task queue.
 */
export const visitorClicksUpdate = defineUpdate<void, [VisitorClick[], number?]>('visitorClicks');

export const visitorStateQuery = defineQuery<VisitorView>('visitorState');
