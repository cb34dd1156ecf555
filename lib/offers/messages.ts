/** The visitor workflow's name, id, signal and query: shared by the feed (client side) and the workflow. */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { VisitorClick } from './offer-state-machine';
import type { VisitorView } from './visitor-offers';

/** The feed starts visitor workflows by name: activities must not import workflow code. */
export const VISITOR_OFFER_WORKFLOW = 'visitorOfferWorkflow';

/** One workflow per visitor, so signal-with-start finds the running one. */
export const visitorOfferWorkflowId = (userId: string) => `visitor-offers-${userId}`;

/** A batch of one visitor's clicks, oldest first. */
export const visitorClicksSignal = defineSignal<[VisitorClick[]]>('visitorClicks');

export const visitorStateQuery = defineQuery<VisitorView>('visitorState');
