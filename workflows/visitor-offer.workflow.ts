import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OfferActivities } from '../activities/detection/offer-activities';
import { visitorClicksSignal, visitorStateQuery } from '../lib/offers/messages';
import { VisitorOffers, type OfferMeasures, type ProcessedClicks, type VisitorOfferInput, type VisitorView } from '../lib/offers/visitor-offers';
import { LatestSignalTrace } from './signal-trace';

const options = {
  startToCloseTimeout: '30 seconds',
  // No attempt limit: an offer waits out a Kafka or Redis outage rather than being lost.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
} as const;
const { sendOffers, logTransitions, loadRuleSet, recordMeasures } = proxyActivities<OfferActivities>(options);
const local = proxyLocalActivities<OfferActivities>(options);

/**
 * The log ran as a local activity for a while. Reverted: on a replay after a continue-as-new the
 * server refused (a signal came in meanwhile), the SDK resolves a local activity earlier than it
 * did live, so the run continued as new before it received that signal, and the signal's clicks
 * were lost. A regular activity's completion is an event the server orders against the signals.
 */
const LOCAL_TRANSITION_LOG = 'transition-log-local-activity';
const REGULAR_TRANSITION_LOG = 'transition-log-regular-activity';

/** Histories written while the log was a local activity replay with it; everything else logs with a regular one. */
function transitionLog(): OfferActivities['logTransitions'] {
  if (patched(REGULAR_TRANSITION_LOG)) return logTransitions;
  return patched(LOCAL_TRANSITION_LOG) ? local.logTransitions : logTransitions;
}

/**
 * Histories written before the spread wait exactly `idleTimeoutMs`; since, each visitor waits a
 * delay of their own longer (lib/offers/idle-spread.ts), so a burst's visitors do not all
 * complete at once.
 */
const IDLE_SPREAD = 'visitor-idle-spread';

function idleTimeoutMs(visitor: VisitorOffers): number {
  return patched(IDLE_SPREAD) ? visitor.spreadIdleTimeoutMs : visitor.idleTimeoutMs;
}

/**
 * Histories written before went by the gender of the sequence's first click for the offer; since,
 * by the completing click's, as the original does (the two differ for a visitor whose gender
 * changed mid-sequence, and whether an offer goes out at all may differ).
 */
const OFFER_FOLLOWS_COMPLETING_CLICK = 'offer-follows-completing-click';

/**
 * Histories written before rule sets were published never loaded one: their signals named no
 * version. Since, a signal naming a newer version than the workflow runs has it loaded (an
 * activity) before its clicks are processed.
 */
const LIVE_RULE_SETS = 'live-rule-sets';

/**
 * Rules with absences ("viewed shoes and no clothing within 10 minutes") did not exist before: a
 * workflow standing in such a state waits on a durable timer for the absence, not the idle timeout.
 */
const ABSENCE_TIMERS = 'absence-timers';

/**
 * Holdouts, offer outcomes and near misses did not exist before: since, a visitor in the rule set's
 * holdout gets no offer, and an activity records what became of offers and sequences one step short.
 */
const OFFER_MEASURES = 'offer-measures';

/**
 * Workflows started before kept their offer state to themselves; since, those whose input names a
 * search attribute keep the state in it, for the funnel and the Temporal UI.
 */
const OFFER_STATE_SEARCH_ATTRIBUTE = 'offer-state-search-attribute';

/**
 * One visitor's offer detection (id `visitor-offers-<userId>`), started and fed by the detection
 * feed with signal-with-start. It completes after `idleTimeoutMs` (plus its spread) without
 * clicks, so idle visitors cost nothing; the next click starts a fresh run. The `visitorState`
 * query shows its state.
 *
 * Changing this code while visitors run: wrap the change in `if (patched('<change-id>'))` so runs
 * replaying older histories take the old path (README, "Change the offer live"). Rules are not
 * code: they arrive in the input, are carried across continue-as-new, and a newer published
 * version (workflows/offer-rules.workflow.ts) replaces them at the visitor's next click.
 */
export async function visitorOfferWorkflow(input: VisitorOfferInput): Promise<VisitorView> {
  const visitor = new VisitorOffers(input, { offerFollowsCompletingClick: patched(OFFER_FOLLOWS_COMPLETING_CLICK), measures: patched(OFFER_MEASURES) });
  const keepState = stateAttribute(input);
  // The offer joins the trace of the click that completed it (its signal came last).
  const signalTrace = new LatestSignalTrace();
  setHandler(visitorClicksSignal, (clicks, rulesVersion) => {
    signalTrace.capture();
    visitor.receive(clicks, rulesVersion);
  });
  setHandler(visitorStateQuery, () => visitor.view());

  for (;;) {
    let processed: ProcessedClicks;
    if (visitor.hasPending) processed = await processPending(visitor);
    else {
      // An absence pending keeps the visitor's workflow waiting for it, however long idle.
      const absenceMs = visitor.absenceWaitMs;
      const absence = absenceMs !== null && patched(ABSENCE_TIMERS);
      if (await condition(() => visitor.hasPending, absence ? Math.max(1, absenceMs) : idleTimeoutMs(visitor))) continue;
      if (!absence) {
        await condition(allHandlersFinished);
        await record(visitor.closeOut());
        // Clicks that came while it recorded keep the visitor's workflow going.
        if (visitor.hasPending) continue;
        return visitor.view();
      }
      processed = visitor.passPendingAbsence();
    }
    // In the same workflow task as the batch's first activity: no task of its own.
    keepState(visitor.state);
    const { offers, transitions, measures } = processed;
    // The offer goes out before the log says so; all run once per batch, not per click.
    if (offers.length > 0) await signalTrace.run(() => sendOffers(offers));
    if (transitions.length > 0) await transitionLog()(transitions);
    await record(measures);
    if (visitor.runIsLong || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof visitorOfferWorkflow>(visitor.continueAsNewInput());
    }
  }
}

async function record(measures: OfferMeasures): Promise<void> {
  if (measures.outcomes.length > 0 || measures.nearMisses.length > 0) await recordMeasures(measures);
}

/** Keeps the visitor's state in the input's search attribute (carried across continue-as-new by the server), when it changed. */
function stateAttribute({ offerStateAttribute: name }: VisitorOfferInput): (state: string) => void {
  if (name === undefined || !patched(OFFER_STATE_SEARCH_ATTRIBUTE)) return () => {};
  let kept = workflowInfo().searchAttributes[name]?.[0];
  return (state) => {
    if (state === kept) return;
    upsertSearchAttributes({ [name]: [state] });
    kept = state;
  };
}

/** A newer rule set the clicks' signal named is loaded first; then the clicks run through the machine. */
async function processPending(visitor: VisitorOffers): Promise<ProcessedClicks> {
  const version = visitor.rulesToLoad;
  if (version !== null && patched(LIVE_RULE_SETS)) visitor.adopt(version, await loadRuleSet(version));
  return visitor.processPending();
}
