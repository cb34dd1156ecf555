/**
 * The shop's click API (`POST /api/clicks`): validates a request body from any front end and
 * turns it into the `ClickEvent` the clicks topic carries. Pure, so every rule is unit-tested.
 */
import type { ClickEvent, Gender } from '../schema';
import { parseJsonObjectBody, shown } from './json-body';
import { isIpAddress, isUserAgent, isVisitorId } from './request-fields';

/** A click request is a few short fields; anything bigger is a mistake or abuse. */
export const MAX_CLICK_REQUEST_BYTES = 4 * 1024;
/** Longest product id or user agent accepted (the clicks topic allows 2048). */
const MAX_FIELD_LENGTH = 512;

export interface ClickRequest {
  userId: string;
  productId: string;
  age: number;
  gender: Gender;
  ip?: string;
  userAgent?: string;
}

export type ClickRequestResult = { ok: true; value: ClickRequest } | { ok: false; status: 400 | 413 | 415; message: string };

/** "M", "F", "male", "female" in any case; anything else is not a gender the offers know. */
export function normaliseGender(raw: unknown): Gender | undefined {
  if (typeof raw !== 'string') return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'm' || v === 'male') return 'M';
  if (v === 'f' || v === 'female') return 'F';
  return undefined;
}

const FIELDS = ['userId', 'productId', 'age', 'gender', 'ip', 'userAgent'] as const;

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
  if (!userId || !isVisitorId(userId)) problems.push('userId must be 1-128 letters, digits, -, _, . or :');
  const productId = text('productId');
  if (!productId || productId.length > MAX_FIELD_LENGTH) problems.push(`productId must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters`);
  else if (!isProduct(productId)) problems.push(`productId ${shown(productId)} is not a product of the shop`);
  if (typeof o.age !== 'number' || !Number.isInteger(o.age) || o.age < 0 || o.age > 130) problems.push('age must be a whole number from 0 to 130');
  const gender = normaliseGender(o.gender);
  if (!gender) problems.push('gender must be M, F, male or female');
  const optional = { ip: text('ip'), userAgent: text('userAgent') };
  const given = (k: 'ip' | 'userAgent') => o[k] !== undefined && o[k] !== null;
  if (given('ip') && !(optional.ip !== undefined && isIpAddress(optional.ip))) problems.push('ip must be an IPv4 or IPv6 address when given');
  if (given('userAgent') && !(optional.userAgent !== undefined && optional.userAgent.length <= MAX_FIELD_LENGTH && isUserAgent(optional.userAgent))) {
    problems.push(`userAgent must be a User-Agent header value (products and comments, RFC 9110) of at most ${MAX_FIELD_LENGTH} characters when given`);
  }
  if (problems.length > 0) return { ok: false, status: 400, message: problems.join('; ') };
  return {
    ok: true,
    value: {
      userId: userId!,
      productId: productId!,
      age: o.age as number,
      gender: gender!,
      ...(optional.ip ? { ip: optional.ip } : {}),
      ...(optional.userAgent ? { userAgent: optional.userAgent } : {}),
    },
  };
}

/** The click as the clicks topic carries it; the request's own ip and user agent win over the connection's. */
export function shopClickEvent(
  req: ClickRequest,
  from: { clickId: string; timestamp: number; ip: string; userAgent: string },
): ClickEvent {
  return {
    clickId: from.clickId,
    userId: req.userId,
    productId: req.productId,
    ip: req.ip ?? from.ip,
    userAgent: req.userAgent ?? from.userAgent,
    timestamp: from.timestamp,
    age: req.age,
    gender: req.gender,
    source: 'shop',
  };
}
