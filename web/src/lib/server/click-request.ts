/**
 * The shop's click API (`POST /api/clicks`): validates a request body from any front end and
 * turns it into the `ClickEvent` the clicks topic carries: a page view, or what the visitor did
 * with the basket or an offer (`kind`). Pure, so every rule is unit-tested.
 */
import { AGE_RULE, answersOffer, isAge, isClickKind, isGender, KIND_RULE, type ClickEvent, type ClickKind, type Gender } from '../../../../lib/schema';
import { isOfferId, MAX_OFFER_ID_LENGTH } from '../../../../lib/offers/rule-validation';
import { parseJsonObjectBody, shown } from './json-body';
import { isIpAddress, isUserAgent, isVisitorId } from '../request-fields';

/** A click request is a few short fields; anything bigger is a mistake or abuse. */
export const MAX_CLICK_REQUEST_BYTES = 4 * 1024;
/** Longest product id or user agent accepted (the clicks topic allows 2048). */
const MAX_FIELD_LENGTH = 512;

export interface ClickRequest {
  /** Only server-to-server callers name the visitor; a browser's comes from its cookie. */
  userId?: string;
  productId: string;
  /** Absent: the visitor did not say (the enrichment records an unknown age). */
  age?: number;
  /** Absent: the visitor preferred not to say (the enrichment records gender `U`). */
  gender?: Gender;
  ip?: string;
  userAgent?: string;
  /** Absent: a page view. */
  kind?: Exclude<ClickKind, 'view'>;
  /** The offer an `offer-taken` or `offer-dismissed` answers. */
  offerId?: string;
}

export type ClickRequestResult = { ok: true; value: ClickRequest } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * "M", "F", "male", "female" in any case; "U" or "unknown" is a visitor who prefers not to say.
 * Anything else is undefined: not a gender the shop knows.
 */
export function normaliseGender(raw: unknown): Gender | 'unknown' | undefined {
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'm' || v === 'male') return 'M';
  if (v === 'f' || v === 'female') return 'F';
  if (v === 'u' || v === 'unknown') return 'unknown';
  return undefined;
}

const USER_AGENT_RULE = `must be a User-Agent header value (products and comments, RFC 9110) of at most ${MAX_FIELD_LENGTH} characters`;
const isAcceptedUserAgent = (v: string) => v.length <= MAX_FIELD_LENGTH && isUserAgent(v);

const FIELDS = ['userId', 'productId', 'age', 'gender', 'ip', 'userAgent', 'kind', 'offerId'] as const;

/**
 * Validates the content type, size and fields of a click request; a failure says which and why.
 * `isProduct` says whether an id is in the shop's catalogue: a click on no product is refused.
 */
export function parseClickRequest(contentType: string | null, body: string, isProduct: (id: string) => boolean): ClickRequestResult {
  const parsed = parseJsonObjectBody(contentType, body, MAX_CLICK_REQUEST_BYTES, FIELDS);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const problems: string[] = [];
  const text = (k: string) => (typeof o[k] === 'string' ? o[k].trim() : undefined);
  const userId = text('userId');
  if (o.userId !== undefined && !(userId && isVisitorId(userId))) problems.push('userId must be 1-128 letters, digits, -, _, . or : when given');
  const productId = text('productId');
  if (!productId || productId.length > MAX_FIELD_LENGTH) problems.push(`productId must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters`);
  else if (!isProduct(productId)) problems.push(`productId ${shown(productId)} is not a product of the shop`);
  // Age and gender are the visitor's to give: missing or null is unknown, as is gender "unknown".
  const given = (k: (typeof FIELDS)[number]) => o[k] !== undefined && o[k] !== null;
  const age = given('age') ? o.age : undefined;
  if (age !== undefined && !isAge(age)) problems.push(`age must be ${AGE_RULE} when given`);
  const gender = given('gender') ? normaliseGender(o.gender) : 'unknown';
  if (!gender) problems.push('gender must be M, F, male, female or unknown when given');
  const optional = { ip: text('ip'), userAgent: text('userAgent') };
  if (given('ip') && !(optional.ip !== undefined && isIpAddress(optional.ip))) problems.push('ip must be an IPv4 or IPv6 address when given');
  if (given('userAgent') && !(optional.userAgent !== undefined && isAcceptedUserAgent(optional.userAgent)))
    problems.push(`userAgent ${USER_AGENT_RULE} when given`);
  const kind = given('kind') ? o.kind : 'view';
  if (!isClickKind(kind)) problems.push(`kind must be ${KIND_RULE} when given`);
  const answers = answersOffer(kind);
  const offerId = text('offerId');
  if (answers && !(offerId && isOfferId(offerId))) problems.push(`offerId must be 1-${MAX_OFFER_ID_LENGTH} letters, digits, - or _ for kind ${String(kind)}`);
  if (!answers && given('offerId')) problems.push('offerId is only for kind offer-taken or offer-dismissed');
  if (problems.length > 0) return { ok: false, status: 400, message: problems.join('; ') };
  return {
    ok: true,
    value: {
      ...(userId ? { userId } : {}),
      productId: productId!,
      ...(typeof age === 'number' ? { age } : {}),
      ...(isGender(gender) ? { gender } : {}),
      ...(optional.ip ? { ip: optional.ip } : {}),
      ...(optional.userAgent ? { userAgent: optional.userAgent } : {}),
      ...(kind !== 'view' ? { kind: kind as Exclude<ClickKind, 'view'> } : {}),
      ...(answers ? { offerId } : {}),
    },
  };
}

/**
 * The `User-Agent` header, held to the body field's rules: what would be dead-lettered downstream
 * is refused here. A request without one (or an empty one) has none.
 */
export function headerUserAgent(header: string | null): { ok: true; value: string } | { ok: false; status: 400; message: string } {
  const value = header?.trim() ?? '';
  if (value === '' || isAcceptedUserAgent(value)) return { ok: true, value };
  return { ok: false, status: 400, message: `the User-Agent header ${USER_AGENT_RULE}` };
}

/** Who sends a click: the operator's token (server to server), a shop visitor's signed cookie, or neither. */
export interface ClickCaller {
  operator: boolean;
  visitorId: string | null;
}

/**
 * Whose click it is. A visitor's browser clicks for its own visitor only; the operator's token may
 * name any visitor (a front end of its own, a load test).
 */
export function clickVisitor(named: string | undefined, caller: ClickCaller): { ok: true; userId: string } | { ok: false; status: 400 | 403; message: string } {
  if (caller.operator && named) return { ok: true, userId: named };
  if (caller.visitorId) {
    if (named && named !== caller.visitorId)
      return { ok: false, status: 403, message: 'userId differs from the visitor of this browser: a visitor clicks only for themselves' };
    return { ok: true, userId: caller.visitorId };
  }
  return { ok: false, status: 400, message: 'userId required: with the operator token, name the visitor' };
}

/** The click as the clicks topic carries it; the request's own ip and user agent win over the connection's. */
export function shopClickEvent(req: ClickRequest, from: { userId: string; clickId: string; timestamp: number; ip: string; userAgent: string }): ClickEvent {
  return {
    clickId: from.clickId,
    userId: from.userId,
    productId: req.productId,
    ip: req.ip ?? from.ip,
    userAgent: req.userAgent ?? from.userAgent,
    timestamp: from.timestamp,
    ...(req.age !== undefined ? { age: req.age } : {}),
    ...(req.gender !== undefined ? { gender: req.gender } : {}),
    source: 'shop',
    ...(req.kind !== undefined ? { kind: req.kind } : {}),
    ...(req.offerId !== undefined ? { offerId: req.offerId } : {}),
  };
}
