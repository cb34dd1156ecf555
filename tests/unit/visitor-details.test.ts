import { describe, expect, it } from 'vitest';
import { distinctClicks } from '../../clients/visitor-clicks';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import type { VisitorView } from '../../lib/offers/visitor-offers';
import type { EnrichedClick, Offer } from '../../lib/schema';
import {
  CLICK_KIND_WORDS,
  currentRuleState,
  offerOutcome,
  ruleSteps,
  temporalWorkflowUrl,
  transitionCondition,
  unknownVisitorMessage,
  visitorDemographics,
  visitorOffers,
  visitorPageRefusal,
  type VisitorDetails,
  type WorkflowStanding,
} from '../../web/src/lib/visitor-page';

const VISITOR = '5F2D9C1A-0B3E-4C6D-8E7F-9A0B1C2D3E4F';

const click = (clickId: string, timestamp: number): EnrichedClick => ({
  clickId,
  userId: VISITOR,
  productId: 'P1',
  ip: '203.0.113.9',
  userAgent: 'Mozilla/5.0',
  timestamp,
  source: 'shop',
  category: 'clothing',
  title: 'Shirt',
  gender: 'F',
  birthDate: null,
  age: 30,
  country: 'FR',
  deviceType: 'Desktop',
});

const view = (state: string, rules = OFFER_RULES.name): VisitorView => ({
  userId: VISITOR,
  rules,
  rulesVersion: 1,
  state,
  sequenceStartedAt: state === 'init' ? null : 1,
  recentClicks: [],
  offersSent: [],
  clicksProcessed: 1,
  duplicatesIgnored: 0,
});

describe("a visitor's recent clicks as read from their list", () => {
  it('keeps the newest copy of a click written twice, skips what is not a click, keeps the order', () => {
    const entries = [click('c3', 3), click('c2', 2), click('c3', 3), 'not json', JSON.stringify({ clickId: 'c0' }), click('c1', 1)].map((e) =>
      typeof e === 'string' ? e : JSON.stringify(e),
    );
    expect(distinctClicks(entries).map((c) => c.clickId)).toEqual(['c3', 'c2', 'c1']);
    expect(distinctClicks(entries)[0]).toEqual(click('c3', 3));
  });
});

describe('where a visitor stands in the offer rule', () => {
  it('lists the states in the order a sequence meets them, each with where a click leads', () => {
    const steps = ruleSteps(OFFER_RULES, 'shoes_visited');
    expect(steps.map((s) => s.state)).toEqual(['init', 'clothes_visited', 'shoes_visited', 'offer']);
    expect(steps.filter((s) => s.current).map((s) => s.state)).toEqual(['shoes_visited']);
    expect(steps.find((s) => s.offer)?.state).toBe('offer');
    expect(steps[2]!.next).toEqual([
      { to: 'offer', when: 'viewing clothing, a product other than the first' },
      { to: 'clothes_visited', when: 'viewing clothing, the first product again' },
    ]);
    expect(steps[3]!.next).toEqual([]);
    expect(ruleSteps(OFFER_RULES, null).some((s) => s.current)).toBe(false);
  });

  it('names the demographic that may start a sequence', () => {
    expect(transitionCondition(OFFER_RULES.transitions[0]!)).toBe('viewing clothing, as a man aged 35–45 or a woman aged 25–35');
  });

  it('has a state only in a running workflow of these rules that answered', () => {
    const found = (status: string, v: VisitorView | null): WorkflowStanding => ({ kind: 'found', status, view: v, queryError: v ? null : 'timeout' });
    expect(currentRuleState(OFFER_RULES, found('RUNNING', view('clothes_visited')))).toBe('clothes_visited');
    expect(currentRuleState(OFFER_RULES, found('COMPLETED', view('clothes_visited')))).toBeNull();
    expect(currentRuleState(OFFER_RULES, found('RUNNING', null))).toBeNull();
    expect(currentRuleState(OFFER_RULES, found('RUNNING', view('clothes_visited', 'other-rules')))).toBeNull();
    expect(currentRuleState(OFFER_RULES, { kind: 'none' })).toBeNull();
    expect(currentRuleState(OFFER_RULES, { kind: 'unreachable', error: 'connection refused' })).toBeNull();
  });
});

describe("a visitor's page", () => {
  it("is the operator's only, asked first, then a well-formed id", () => {
    expect(visitorPageRefusal(VISITOR, false)?.status).toBe(401);
    expect(visitorPageRefusal('<script>', false)?.status).toBe(401);
    expect(visitorPageRefusal('<script>', true)?.status).toBe(400);
    expect(visitorPageRefusal('../etc', true)?.status).toBe(400);
    expect(visitorPageRefusal(VISITOR, true)).toBeNull();
  });

  it('is not found when neither source knows the visitor, and found when either does or one did not answer', () => {
    const details = (d: Partial<VisitorDetails>) => ({ userId: VISITOR, clicks: [], clicksError: null, workflow: { kind: 'none' }, ...d }) as VisitorDetails;
    expect(unknownVisitorMessage(details({}))).toContain(VISITOR);
    expect(unknownVisitorMessage(details({ clicks: [click('c1', 1)] }))).toBeNull();
    expect(unknownVisitorMessage(details({ workflow: { kind: 'found', status: 'COMPLETED', view: null, queryError: 'no worker' } }))).toBeNull();
    expect(unknownVisitorMessage(details({ clicksError: 'Redis: down' }))).toBeNull();
    expect(unknownVisitorMessage(details({ workflow: { kind: 'unreachable', error: 'down' } }))).toBeNull();
  });

  it("links the workflow's page in the Temporal UI, its id escaped", () => {
    expect(temporalWorkflowUrl('http://127.0.0.1:8233/', 'default', 'visitor-offers-a:b')).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/visitor-offers-a%3Ab',
    );
  });
});

describe("a visitor's page: demographics, what each click was, and each offer's outcome", () => {
  const at = (clickId: string, timestamp: number, more: Partial<EnrichedClick> = {}): EnrichedClick => ({ ...click(clickId, timestamp), ...more });
  const offer = (offerId: string, timestamp: number): Offer => ({
    userId: VISITOR,
    offerId,
    reason: 'r',
    clickIds: [`c${timestamp}`],
    timestamp,
    rules: { name: 'rules', version: 2 },
  });

  it('reads who they are from their newest click', () => {
    expect(visitorDemographics([at('c2', 2, { gender: 'F', age: 30, birthDate: '1995-03-02' }), at('c1', 1, { gender: 'U', age: null })])).toEqual({
      text: 'woman, 30',
      birthDate: '1995-03-02',
      asOf: 2,
    });
    expect(visitorDemographics([at('c1', 1, { gender: 'U', age: null })])?.text).toBe('gender unknown, age unknown');
    expect(visitorDemographics([])).toBeNull();
  });

  it('names every kind of click', () => {
    expect(CLICK_KIND_WORDS).toEqual({
      view: 'viewed',
      basket: 'put in basket',
      buy: 'bought',
      'offer-taken': 'took an offer',
      'offer-dismissed': 'dismissed an offer',
    });
  });

  it("finds each offer's answer and the purchases after it, up to the next offer", () => {
    // Newest first, as the visitor's list holds them.
    const clicks = [
      at('b2', 90, { kind: 'buy' }),
      at('d2', 80, { kind: 'offer-dismissed', offerId: 'offer1' }),
      at('b1', 40, { kind: 'buy' }),
      at('b0', 35, { kind: 'buy' }),
      at('t1', 20, { kind: 'offer-taken', offerId: 'offer1' }),
      at('t0', 15, { kind: 'offer-taken', offerId: 'other' }),
      at('v1', 10),
    ];
    const offers = visitorOffers([offer('offer1', 10), offer('offer1', 70), offer('offer1', 95)], clicks, (o) =>
      o.offerId === 'offer1' ? '20% off clothing and shoes' : null,
    );
    expect(offers.map((o) => [o.offer.timestamp, o.gives, o.outcome])).toEqual([
      [95, '20% off clothing and shoes', { answer: null, bought: 0, text: 'no answer in their recent clicks' }],
      [70, '20% off clothing and shoes', { answer: 'dismissed', bought: 1, text: 'dismissed, then bought 1 item' }],
      [10, '20% off clothing and shoes', { answer: 'taken', bought: 2, text: 'taken, then bought 2 items' }],
    ]);
    expect(offerOutcome(offer('offer1', 100), [at('b', 120, { kind: 'buy' })]).text).toBe('no answer, then bought 1 item');
    expect(offerOutcome(offer('offer1', 100), [at('t', 120, { kind: 'offer-taken', offerId: 'offer1' })]).text).toBe('taken, nothing bought since');
  });
});
