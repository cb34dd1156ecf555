/**
 * One visitor's page for the operator (`/dashboard/visitors/<id>`, `GET /api/visitors/<id>`): what
 * it shows, and the pure parts of it: the offer rule as steps with the visitor's place among them,
 * and the link to their workflow in the Temporal UI. The server gathers it (`server/visitor-details.ts`);
 * the page itself reads its words from here.
 */
import type { VisitorSession } from '../../../lib/aggregation/visitor-sessions';
import type { Demographic, OfferRules, Transition } from '../../../lib/offers/offer-rules';
import type { VisitorView } from '../../../lib/offers/visitor-offers';
import type { ClickKind, EnrichedClick, Offer } from '../../../lib/schema';
import { isVisitorId } from './request-fields';

/** What the visitor's offer workflow says, as far as Temporal answers. */
export type WorkflowStanding =
  /** Temporal knows no such workflow: none of their clicks could start a sequence, or its history has expired. */
  | { kind: 'none' }
  /** `status` as Temporal names it (RUNNING, COMPLETED, …); `view` null when the query got no answer (`queryError` says why). */
  | { kind: 'found'; status: string; view: VisitorView | null; queryError: string | null }
  /** Temporal did not answer at all. */
  | { kind: 'unreachable'; error: string };

export interface RuleStep {
  state: string;
  /** The visitor's state: their workflow runs these rules and answered. */
  current: boolean;
  /** Reaching it sends the offer. */
  offer: boolean;
  /** Where a click leads from here, in the order the rules try them. */
  next: { to: string; when: string }[];
}

export interface VisitorDetails {
  userId: string;
  workflowId: string;
  temporalUrl: string;
  /** Newest first, bots included; empty with `clicksError` when Redis did not answer. */
  clicks: EnrichedClick[];
  clicksError: string | null;
  sessions: VisitorSession[];
  /** As their newest click says: shop clicks carry what the visitor chose, replayed ones what the visitor list holds. */
  demographics: VisitorDemographics | null;
  /** The offers their workflow sent, newest first, each with what it gives and what the visitor did with it. */
  offers: VisitorOffer[];
  workflow: WorkflowStanding;
  rules: {
    name: string;
    windowMinutes: number;
    /** `currentRuleState`; past the initial state, a sequence is in progress. */
    current: string | null;
    sequenceInProgress: boolean;
    steps: RuleStep[];
  };
}

/** The Temporal UI's page of one workflow (its latest run). */
export const temporalWorkflowUrl = (uiUrl: string, namespace: string, workflowId: string) =>
  `${uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;

const genderWord = (g: Demographic['gender']) => (g === 'M' ? 'a man' : g === 'F' ? 'a woman' : 'someone');

/** A transition's condition in words: "viewing clothing, a product other than the first, as a man aged 35–45". */
export function transitionCondition(t: Transition): string {
  const product = t.product === 'same-as-first' ? ', the first product again' : t.product === 'different-from-first' ? ', a product other than the first' : '';
  const who = t.demographics ? `, as ${t.demographics.map((d) => `${genderWord(d.gender)} aged ${d.minAge}–${d.maxAge}`).join(' or ')}` : '';
  return `viewing ${t.category}${product}${who}`;
}

/**
 * The visitor's state in `rules`: only a running workflow of those rules has one. A completed
 * workflow may still answer its query, but its state is over: their next click starts afresh.
 */
export function currentRuleState(rules: OfferRules, workflow: WorkflowStanding): string | null {
  if (workflow.kind !== 'found' || workflow.status !== 'RUNNING' || workflow.view?.rules !== rules.name) return null;
  return workflow.view.state;
}

/** The rules' states in the order a sequence meets them: the initial state first, then each transition's target as first named. */
export function ruleSteps(rules: OfferRules, current: string | null): RuleStep[] {
  const states = [...new Set([rules.initialState, ...rules.transitions.flatMap((t) => [t.from, t.to])])];
  return states.map((state) => ({
    state,
    current: state === current,
    offer: state === rules.offerState,
    next: rules.transitions.filter((t) => t.from === state).map((t) => ({ to: t.to, when: transitionCondition(t) })),
  }));
}

const SIGN_IN_HOW = "sign in with the operator's link `make up` prints (/sign-in?token=…), or send Authorization: Bearer <API_TOKEN>";
export const OPERATOR_ONLY_MESSAGE = `a visitor's page is the operator's only: ${SIGN_IN_HOW}`;
export const RULES_EDITOR_OPERATOR_ONLY = `the offer rules editor is the operator's only: ${SIGN_IN_HOW}`;

/** Why a request for visitor `id`'s page is refused, or null: the operator's credential first, so nobody else learns even what an id looks like. */
export function visitorPageRefusal(id: string, operator: boolean): { status: 400 | 401; message: string } | null {
  if (!operator) return { status: 401, message: OPERATOR_ONLY_MESSAGE };
  if (!isVisitorId(id)) return { status: 400, message: 'not a visitor id: 1-128 letters, digits, -, _, . or :, starting with a letter or digit' };
  return null;
}

/** Why the visitor is not found (both sources answered: no recent clicks, no workflow), or null. */
export function unknownVisitorMessage(d: VisitorDetails): string | null {
  const unknown = d.clicks.length === 0 && d.clicksError === null && d.workflow.kind === 'none';
  return unknown ? `no visitor ${d.userId}: no clicks in the last day and no offer workflow` : null;
}

/** What each kind of click records, as the visitor's page says it. */
export const CLICK_KIND_WORDS: Record<ClickKind, string> = {
  view: 'viewed',
  basket: 'put in basket',
  buy: 'bought',
  'offer-taken': 'took an offer',
  'offer-dismissed': 'dismissed an offer',
};

export interface VisitorDemographics {
  /** e.g. "woman, 30" or "gender unknown, age unknown" */
  text: string;
  birthDate: string | null;
  /** The click it is read from. */
  asOf: number;
}

export function visitorDemographics(clicks: readonly EnrichedClick[]): VisitorDemographics | null {
  const newest = clicks[0];
  if (!newest) return null;
  const gender = newest.gender === 'M' ? 'man' : newest.gender === 'F' ? 'woman' : 'gender unknown';
  return { text: `${gender}, ${newest.age === null ? 'age unknown' : newest.age}`, birthDate: newest.birthDate, asOf: newest.timestamp };
}

export interface VisitorOffer {
  offer: Offer;
  /** What it gives, from its rule set version's definition; null when that version defines no such offer. */
  gives: string | null;
  outcome: OfferOutcomeWords;
}

export interface OfferOutcomeWords {
  answer: 'taken' | 'dismissed' | null;
  /** Products bought after the offer and before their next one. */
  bought: number;
  /** e.g. "taken, then bought 2 items" */
  text: string;
}

/**
 * What the visitor did with `offer`, by their recent clicks (newest first) between it and the next
 * offer (`until`): the first answer to it, and the purchases after it.
 */
export function offerOutcome(offer: Offer, clicks: readonly EnrichedClick[], until = Infinity): OfferOutcomeWords {
  const after = clicks.filter((c) => c.timestamp >= offer.timestamp && c.timestamp < until).reverse();
  const answered = after.find((c) => (c.kind === 'offer-taken' || c.kind === 'offer-dismissed') && c.offerId === offer.offerId);
  const answer = answered ? (answered.kind === 'offer-taken' ? 'taken' : 'dismissed') : null;
  const bought = after.filter((c) => c.kind === 'buy').length;
  const items = `${bought} ${bought === 1 ? 'item' : 'items'}`;
  const text =
    answer === null
      ? bought > 0
        ? `no answer, then bought ${items}`
        : 'no answer in their recent clicks'
      : bought > 0
        ? `${answer}, then bought ${items}`
        : `${answer}, nothing bought since`;
  return { answer, bought, text };
}

/** The offers, newest first, each with its outcome: an offer's clicks end where the next offer's begin. */
export function visitorOffers(sent: readonly Offer[], clicks: readonly EnrichedClick[], gives: (offer: Offer) => string | null): VisitorOffer[] {
  const oldestFirst = [...sent].sort((a, b) => a.timestamp - b.timestamp);
  return oldestFirst
    .map((offer, i) => ({ offer, gives: gives(offer), outcome: offerOutcome(offer, clicks, oldestFirst[i + 1]?.timestamp ?? Infinity) }))
    .reverse();
}
