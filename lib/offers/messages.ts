/** The visitor workflow's name, id, signal and query: shared by the feed (client side) and the workflow. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { VisitorClick } from './offer-state-machine';
import type { VisitorView } from './visitor-offers';

/** The feed starts visitor workflows by name: activities must not import workflow code. */
export const VISITOR_OFFER_WORKFLOW = 'visitorOfferWorkflow';

const WORKFLOW_ID_PREFIX = 'visitor-offers-';

/** One workflow per visitor, so signal-with-start finds the running one. */
export const visitorOfferWorkflowId = (userId: string) => `${WORKFLOW_ID_PREFIX}${userId}`;

/** The visitor a workflow id names, or null for another id. */
export const userIdOfWorkflow = (workflowId: string): string | null => (workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.slice(WORKFLOW_ID_PREFIX.length) : null);

/**
 * A batch of one visitor's clicks, oldest first, and the rule-set version the feed runs (absent
 * from feeds before rule sets were published): a newer one than the workflow's is adopted.
 */
export const visitorClicksSignal = defineSignal<[VisitorClick[], number?]>('visitorClicks');

export const visitorStateQuery = defineQuery<VisitorView>('visitorState');
