/**
 * The shop's click API (`POST /api/clicks`): validates a request body from any front end and
 * turns it into the `ClickEvent` the clicks topic carries. Pure, so every rule is unit-tested.
 */
import type { ClickEvent, Gender } from '../schema';

/** A click request is a few short fields; anything bigger is a mistake or abuse. */
export const MAX_CLICK_REQUEST_BYTES = 4 * 1024;
/** Longest id, IP or user agent accepted (the clicks topic allows 2048). */
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

const isJson = (contentType: string | null) => /^application\/json\s*(;|$)/i.test(contentType?.trim() ?? '');

/** Validates the content type, size and fields of a click request; a failure says which and why. */
export function parseClickRequest(contentType: string | null, body: string): ClickRequestResult {
  if (!isJson(contentType)) return { ok: false, status: 415, message: `expected Content-Type application/json, got ${contentType ?? 'none'}` };
  const bytes = new TextEncoder().encode(body).byteLength;
  if (bytes > MAX_CLICK_REQUEST_BYTES) return { ok: false, status: 413, message: `body of ${bytes} bytes exceeds ${MAX_CLICK_REQUEST_BYTES}` };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return { ok: false, status: 400, message: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, status: 400, message: 'expected a JSON object' };
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_FIELD_LENGTH;
  for (const k of ['userId', 'productId']) if (!text(o[k])) problems.push(`${k} must be a non-empty string of at most ${MAX_FIELD_LENGTH} characters`);
  if (typeof o.age !== 'number' || !Number.isInteger(o.age) || o.age < 0 || o.age > 130) problems.push('age must be a whole number from 0 to 130');
  const gender = normaliseGender(o.gender);
  if (!gender) problems.push('gender must be M, F, male or female');
  for (const k of ['ip', 'userAgent']) {
    if (o[k] !== undefined && o[k] !== null && (typeof o[k] !== 'string' || (o[k] as string).length > MAX_FIELD_LENGTH)) {
      problems.push(`${k} must be a string of at most ${MAX_FIELD_LENGTH} characters when given`);
    }
  }
  if (problems.length > 0) return { ok: false, status: 400, message: problems.join('; ') };
  const optional = (k: 'ip' | 'userAgent') => (typeof o[k] === 'string' && o[k] !== '' ? { [k]: o[k] as string } : {});
  return {
    ok: true,
    value: {
      userId: (o.userId as string).trim(),
      productId: (o.productId as string).trim(),
      age: o.age as number,
      gender: gender!,
      ...optional('ip'),
      ...optional('userAgent'),
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
