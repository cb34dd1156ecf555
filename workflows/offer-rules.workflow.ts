import {
  allHandlersFinished,
  condition,
  continueAsNew,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { RuleArchiveActivities } from '../activities/rules/rule-archive-activities';
import {
  archivedVersionsQuery,
  currentRulesQuery,
  publishRulesUpdate,
  rollbackRulesUpdate,
  ruleArchivePageId,
  ruleArchiveQuery,
  ruleVersionQuery,
  ruleVersionsPageQuery,
} from '../lib/offers/rule-messages';
import { archivePageOf, RuleSets, type RuleArchivePage, type RuleSetsInput, type RuleSetVersion } from '../lib/offers/rule-sets';

/** Publications per run before it continues as new. */
const PUBLICATIONS_PER_RUN = 200;

const { readArchivedRuleVersion } = proxyActivities<RuleArchiveActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 5 } });

/**
 * The offer rule sets (id `offer-rules-<task queue>`, a control workflow): versions are published and rolled
 * back by updates, whose validators refuse a bad rule set before anything is written to the
 * history; the detection feed and the visitor workflows read them by query. Every full page of
 * versions moves to an archive page workflow, so the versions carried into each run stay few.
 */
export async function offerRulesWorkflow(input: RuleSetsInput): Promise<never> {
  const sets = new RuleSets(input);
  const { workflowId, firstExecutionRunId } = workflowInfo();
  const archive = () => sets.archive(firstExecutionRunId);
  setHandler(publishRulesUpdate, (request) => sets.publish(request, Date.now()), { validator: (request) => void sets.validatePublish(request) });
  setHandler(
    rollbackRulesUpdate,
    async (request) => {
      const held = sets.validateRollback(request);
      const archived = held
        ? null
        : await readArchivedRuleVersion({ pageWorkflowId: ruleArchivePageId(workflowId, archive(), archivePageOf(request.version)), version: request.version });
      return sets.rollback(request, Date.now(), archived);
    },
    { validator: (request) => void sets.validateRollback(request) },
  );
  setHandler(currentRulesQuery, () => sets.current);
  setHandler(ruleVersionQuery, (version) => sets.version(version));
  setHandler(ruleVersionsPageQuery, (request) => sets.page(request));
  setHandler(ruleArchiveQuery, archive);

  const continueAsNewDue = () => sets.publishedThisRun >= PUBLICATIONS_PER_RUN || workflowInfo().continueAsNewSuggested;
  // Runs written before the archive existed carried every version and started no archive pages.
  if (patched('rule-archive-pages')) {
    for (;;) {
      await condition(() => sets.fullPage() !== null || continueAsNewDue());
      const page = sets.fullPage();
      if (!page) break;
      await archivePage(ruleArchivePageId(workflowId, archive(), page.page), page);
      sets.archived(page.page);
    }
  } else {
    await condition(continueAsNewDue);
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof offerRulesWorkflow>(sets.carried());
}

/** Starts the page's workflow, which outlives this run (and the runs after it continues as new). */
async function archivePage(pageWorkflowId: string, page: RuleArchivePage): Promise<void> {
  await startChild(offerRulesArchiveWorkflow, { workflowId: pageWorkflowId, args: [page], parentClosePolicy: ParentClosePolicy.ABANDON });
}

/** One archive page of rule-set versions: it answers their query and waits, holding nothing else. */
export async function offerRulesArchiveWorkflow(page: RuleArchivePage): Promise<void> {
  const versions: readonly RuleSetVersion[] = page.versions;
  setHandler(archivedVersionsQuery, () => [...versions]);
  await condition(() => false);
}
