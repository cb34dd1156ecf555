/**
 * The offer rule sets as the feed, its activities and the web reach them: queries and updates of
 * the offer-rules workflow, started on first use with the built-in rules as version 1.
 */
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import { OFFER_RULES } from '../lib/offers/offer-rules';
import {
  archivedVersionsQuery,
  currentRulesQuery,
  OFFER_RULES_WORKFLOW,
  offerRulesWorkflowId,
  publishRulesUpdate,
  rollbackRulesUpdate,
  ruleArchivePageId,
  ruleArchiveQuery,
  ruleVersionQuery,
  ruleVersionsPageQuery,
} from '../lib/offers/rule-messages';
import {
  archivePageOf,
  RuleSetRequestError,
  versionsPage,
  type PublishRequest,
  type RollbackRequest,
  type RuleArchive,
  type RuleSetsInput,
  type RuleSetVersion,
  type RuleVersionsPage,
  type RuleVersionsPageRequest,
} from '../lib/offers/rule-sets';

type Temporal = Config['temporal'];

const handle = (client: Client, config: Temporal) => client.workflow.getHandle(offerRulesWorkflowId(config.taskQueue));

/** Starts the rule-sets workflow unless it runs: the system's first start, or after its history was wiped. */
export async function ensureRuleSets(client: Client, config: Temporal): Promise<void> {
  const input: RuleSetsInput = { initial: OFFER_RULES };
  await client.workflow.start(OFFER_RULES_WORKFLOW, {
    taskQueue: config.taskQueue,
    workflowId: offerRulesWorkflowId(config.taskQueue),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    args: [input],
  });
}

/** The current version, or null when the rule-sets workflow has not been started. */
export function currentRuleSet(client: Client, config: Temporal): Promise<RuleSetVersion | null> {
  return nullIfNotStarted(() => handle(client, config).query(currentRulesQuery));
}

/** A published version, held by the workflow or archived, or null when there is no such version or no rule-sets workflow (a visitor then keeps its rules). */
export function ruleSetVersion(client: Client, config: Temporal, version: number): Promise<RuleSetVersion | null> {
  return nullIfNotStarted(async () => {
    const rules = handle(client, config);
    const held = await rules.query(ruleVersionQuery, version);
    if (held) return held;
    const archive = await rules.query(ruleArchiveQuery);
    if (version > archive.pages * archive.pageSize) return null;
    return archivedRuleVersion(client, archivePageWorkflowId(config, archive, archivePageOf(version, archive.pageSize)), version);
  });
}

const archivePageWorkflowId = (config: Temporal, archive: RuleArchive, page: number) =>
  ruleArchivePageId(offerRulesWorkflowId(config.taskQueue), archive, page);

/** Version `version` from the archive page workflow `pageWorkflowId`; null when that page does not hold it. */
export async function archivedRuleVersion(client: Client, pageWorkflowId: string, version: number): Promise<RuleSetVersion | null> {
  const versions = await client.workflow.getHandle(pageWorkflowId).query(archivedVersionsQuery);
  return versions.find((v) => v.version === version) ?? null;
}

async function nullIfNotStarted<T>(query: () => Promise<T | null>): Promise<T | null> {
  try {
    return await query();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** A page of the version list, newest first: what the workflow holds, then its archive pages. */
export async function ruleSetVersionsPage(client: Client, config: Temporal, request: RuleVersionsPageRequest): Promise<RuleVersionsPage> {
  const rules = handle(client, config);
  const [held, archive] = await Promise.all([rules.query(ruleVersionsPageQuery, request), rules.query(ruleArchiveQuery)]);
  return versionsPage(request, held, archive, (page) => client.workflow.getHandle(archivePageWorkflowId(config, archive, page)).query(archivedVersionsQuery));
}

/** Publishes a new version; a refused one throws `RuleSetRequestError` with the validator's reason. */
export async function publishRuleSet(client: Client, config: Temporal, request: PublishRequest): Promise<RuleSetVersion> {
  await ensureRuleSets(client, config);
  return refusalAsRequestError(() => handle(client, config).executeUpdate(publishRulesUpdate, { args: [request] }));
}

/** Publishes an earlier version's rules again as a new version. */
export async function rollbackRuleSet(client: Client, config: Temporal, request: RollbackRequest): Promise<RuleSetVersion> {
  await ensureRuleSets(client, config);
  return refusalAsRequestError(() => handle(client, config).executeUpdate(rollbackRulesUpdate, { args: [request] }));
}

async function refusalAsRequestError<T>(update: () => Promise<T>): Promise<T> {
  try {
    return await update();
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) throw new RuleSetRequestError(err.cause?.message ?? err.message);
    throw err;
  }
}
