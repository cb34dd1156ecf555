/**
 * Gathers one visitor's page for the operator: their recent clicks from Redis, their sessions, and
 * their offer workflow's answer. Either source may be down: the page then says which, never fails.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { recentVisitorClicks } from '$shared/clients/visitor-clicks';
import { visitorSessions } from '$shared/lib/aggregation/visitor-sessions';
import { visitorOfferWorkflowId, visitorStateQuery } from '$shared/lib/offers/messages';
import { offerWords } from '$shared/lib/offers/offer-copy';
import { offerDefinition, type OfferRules } from '$shared/lib/offers/offer-rules';
import {
  currentRuleState,
  ruleSteps,
  temporalWorkflowUrl,
  visitorDemographics,
  visitorOffers,
  type VisitorDetails,
  type WorkflowStanding,
} from '../visitor-page';
import { currentRules } from './current-rules';
import { rulesOfVersion } from './rule-versions';
import { config, redisClient, temporalClient } from './services';

/** Long enough for a query that replays a closed workflow's history; short enough for the page to answer when no worker does. */
const TEMPORAL_DEADLINE_MS = 5_000;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

async function workflowStanding(workflowId: string): Promise<WorkflowStanding> {
  let client;
  try {
    client = await temporalClient();
  } catch (err) {
    return { kind: 'unreachable', error: message(err) };
  }
  const handle = client.workflow.getHandle(workflowId);
  const deadline = () => Date.now() + TEMPORAL_DEADLINE_MS;
  let status: string;
  try {
    status = (await client.connection.withDeadline(deadline(), () => handle.describe())).status.name;
  } catch (err) {
    return err instanceof WorkflowNotFoundError ? { kind: 'none' } : { kind: 'unreachable', error: message(err) };
  }
  try {
    return { kind: 'found', status, view: await client.connection.withDeadline(deadline(), () => handle.query(visitorStateQuery)), queryError: null };
  } catch (err) {
    return { kind: 'found', status, view: null, queryError: message(err) };
  }
}

export async function visitorDetails(userId: string): Promise<VisitorDetails> {
  const workflowId = visitorOfferWorkflowId(userId);
  const [clicks, workflow] = await Promise.all([
    recentVisitorClicks(redisClient(), userId).then(
      (list) => ({ list, error: null }),
      (err: unknown) => ({ list: [], error: `Redis: ${message(err)}` }),
    ),
    workflowStanding(workflowId),
  ]);
  const rules = await currentRules();
  const current = currentRuleState(rules, workflow);
  const sent = workflow.kind === 'found' ? (workflow.view?.offersSent ?? []) : [];
  // The few versions their offers came from, each read once (and kept: a version never changes).
  const versions = [...new Set(sent.map((o) => o.rules?.version ?? 0))];
  const byVersion = new Map<number, OfferRules | null>(await Promise.all(versions.map(async (v) => [v, await rulesOfVersion(v)] as const)));
  return {
    userId,
    workflowId,
    temporalUrl: temporalWorkflowUrl(config.temporal.uiUrl, config.temporal.namespace, workflowId),
    clicks: clicks.list,
    clicksError: clicks.error,
    sessions: visitorSessions(clicks.list),
    demographics: visitorDemographics(clicks.list),
    offers: visitorOffers(sent, clicks.list, (offer) => {
      const version = byVersion.get(offer.rules?.version ?? 0);
      const definition = version ? offerDefinition(version, offer.offerId) : null;
      return definition && offerWords(definition).summary;
    }),
    workflow,
    rules: {
      name: rules.name,
      windowMinutes: rules.windowMinutes,
      current,
      sequenceInProgress: current !== null && current !== rules.initialState,
      steps: ruleSteps(rules, current),
    },
  };
}
