/** The offer-rules workflows' names, ids, updates and queries: shared by the workflows, the feed's activities and the web. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { PublishRequest, RollbackRequest, RuleArchive, RuleSetSummary, RuleSetVersion, RuleVersionsPageRequest } from './rule-sets';

export const OFFER_RULES_WORKFLOW = 'offerRulesWorkflow';

/** One rule-sets workflow per (control) task queue: a test's private queue has its own. */
export const offerRulesWorkflowId = (taskQueue: string) => `offer-rules-${taskQueue}`;

/** Archive page `page` of the rule-sets workflow `rulesWorkflowId` whose first run is `archive.series`. */
export const ruleArchivePageId = (rulesWorkflowId: string, archive: Pick<RuleArchive, 'series'>, page: number) =>
  `${rulesWorkflowId}-archive-${archive.series}-${page}`;

export const publishRulesUpdate = defineUpdate<RuleSetVersion, [PublishRequest]>('publishRules');
export const rollbackRulesUpdate = defineUpdate<RuleSetVersion, [RollbackRequest]>('rollbackRules');

export const currentRulesQuery = defineQuery<RuleSetVersion>('currentRules');
/** A version the rule-sets workflow holds; null for one it does not (none such, or archived: see `ruleArchiveQuery`). */
export const ruleVersionQuery = defineQuery<RuleSetVersion | null, [number]>('ruleVersion');
/** Summaries of the versions it holds, newest first; the older ones are in the archive pages. */
export const ruleVersionsPageQuery = defineQuery<RuleSetSummary[], [RuleVersionsPageRequest]>('ruleVersionsPage');
export const ruleArchiveQuery = defineQuery<RuleArchive>('ruleArchive');
/** An archive page's versions, oldest first. */
export const archivedVersionsQuery = defineQuery<RuleSetVersion[]>('archivedVersions');
