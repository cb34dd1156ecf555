import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { currentRulesQuery, publishRulesUpdate, rollbackRulesUpdate, ruleVersionQuery, ruleVersionsQuery } from '../lib/offers/rule-messages';
import { RuleSets, type RuleSetsInput } from '../lib/offers/rule-sets';

/** Publications per run before it continues as new, carrying every version. */
const PUBLICATIONS_PER_RUN = 200;

/**
 * The offer rule sets (id `offer-rules-<task queue>`, a control workflow): versions are published and rolled
 * back by updates, whose validators refuse a bad rule set before anything is written to the
 * history; the detection feed and the visitor workflows read them by query. Runs for as long as
 * the system does; its history is where the versions are kept.
 */
export async function offerRulesWorkflow(input: RuleSetsInput): Promise<never> {
  const sets = new RuleSets(input);
  setHandler(publishRulesUpdate, (request) => sets.publish(request, Date.now()), { validator: (request) => void sets.validatePublish(request) });
  setHandler(rollbackRulesUpdate, (request) => sets.rollback(request, Date.now()), { validator: (request) => void sets.validateRollback(request) });
  setHandler(currentRulesQuery, () => sets.current);
  setHandler(ruleVersionQuery, (version) => sets.version(version));
  setHandler(ruleVersionsQuery, () => sets.list());
  await condition(() => sets.publishedThisRun >= PUBLICATIONS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  return continueAsNew<typeof offerRulesWorkflow>(sets.carried());
}
