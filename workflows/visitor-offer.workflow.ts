import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
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

/**
 * One visitor's offer detection (id `visitor-offers-<userId>`), started and fed by the detection
 * feed with signal-with-start. It completes after `idleTimeoutMs` (plus its spread) without
 * clicks, so idle visitors cost nothing; the next click starts a fresh run. The `visitorState`
 * query shows its state.
 *
 * Changing this code while visitors run needs a patch (docs/workflows.md). Rules are not code:
 * they arrive in the input, are carried across continue-as-new, and a newer published version
 * (workflows/offer-rules.workflow.ts) replaces them at the visitor's next click.
 */
export async function visitorOfferWorkflow(input: VisitorOfferInput): Promise<VisitorView> {
  const visitor = new VisitorOffers(input);
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
      if (await condition(() => visitor.hasPending, absenceMs !== null ? Math.max(1, absenceMs) : visitor.spreadIdleTimeoutMs)) continue;
      if (absenceMs === null) {
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
    if (transitions.length > 0) await logTransitions(transitions);
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
  if (name === undefined) return () => {};
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
  if (version !== null) visitor.adopt(version, await loadRuleSet(version));
  return visitor.processPending();
}
