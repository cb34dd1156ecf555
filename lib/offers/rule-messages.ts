/** The offer-rules workflow's name, id, updates and queries: shared by the workflow, the feed's activities and the web. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { PublishRequest, RollbackRequest, RuleSetSummary, RuleSetVersion } from './rule-sets';

export const OFFER_RULES_WORKFLOW = 'offerRulesWorkflow';

/** One rule-sets workflow per (control) task queue: a test's private queue has its own. */
export const offerRulesWorkflowId = (taskQueue: string) => `offer-rules-${taskQueue}`;

export const publishRulesUpdate = defineUpdate<RuleSetVersion, [PublishRequest]>('publishRules');
export const rollbackRulesUpdate = defineUpdate<RuleSetVersion, [RollbackRequest]>('rollbackRules');

export const currentRulesQuery = defineQuery<RuleSetVersion>('currentRules');
export const ruleVersionQuery = defineQuery<RuleSetVersion | null, [number]>('ruleVersion');
export const ruleVersionsQuery = defineQuery<RuleSetSummary[]>('ruleVersions');
