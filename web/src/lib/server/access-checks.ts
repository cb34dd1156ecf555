/**
 * Who may do what on the web app, as pure checks: the operator's token (a bearer header or the
 * signed cookie its sign-in link sets), a shop visitor's server-signed identity cookie, and the
 * Host and Origin checks that keep other sites' pages (DNS rebinding, cross-site requests) out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isVisitorId } from '../request-fields';

export const OPERATOR_COOKIE = 'clickstream_operator';
export const VISITOR_COOKIE = 'clickstream_visitor';
/** An operator signs in again after this; the token itself does not expire. */
export const OPERATOR_SESSION_MS = 12 * 60 * 60 * 1000;
export const VISITOR_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

/** The shop's visitor ids: upper-case GUIDs, as in the original data. */
export const isShopVisitorId = (v: string) => /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/.test(v);

/** Each cookie kind has its own key derived from the token, so one kind's signature never passes as another's. */
function signature(secret: string, purpose: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `payload.signature`; payloads here never contain a dot. */
export const signValue = (secret: string, purpose: string, payload: string) => `${payload}.${signature(secret, purpose, payload)}`;

/** The payload of a value this server signed for `purpose`, or null. */
export function verifiedValue(secret: string, purpose: string, value: string | undefined | null): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  return sameText(value.slice(dot + 1), signature(secret, purpose, payload)) ? payload : null;
}

/** The token compared in constant time (through their HMACs, which have one length). */
export const isToken = (secret: string, given: string | null | undefined) =>
  !!given && sameText(signature(secret, 'token', given), signature(secret, 'token', secret));

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(authorization: string | null): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}

export const operatorCookieValue = (secret: string, now: number) => signValue(secret, 'operator', String(now + OPERATOR_SESSION_MS));

export function isOperatorCookie(secret: string, value: string | undefined, now: number): boolean {
  const expires = Number(verifiedValue(secret, 'operator', value));
  return Number.isFinite(expires) && expires > now;
}

export const visitorCookieValue = (secret: string, userId: string) => signValue(secret, 'visitor', userId);

export function visitorFromCookie(secret: string, value: string | undefined): string | null {
  const userId = verifiedValue(secret, 'visitor', value);
  return userId && isShopVisitorId(userId) ? userId : null;
}

/** The host name of a `Host` header value (`name:port`, `[v6]:port`), lower case; null when malformed. */
export function hostName(host: string | null): string | null {
  if (!host) return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.exec(host.trim());
  return match ? match[1]!.toLowerCase() : null;
}

export const isAllowedHost = (host: string | null, allowed: readonly string[]) => {
  const name = hostName(host);
  return name !== null && allowed.includes(name);
};

/** A request from another site's page: its `Origin` names another host than the one it asked. */
export function isForeignOrigin(origin: string | null, host: string | null): boolean {
  if (origin === null) return false; // not sent by a browser page (curl, servers): the token decides
  try {
    return new URL(origin).host.toLowerCase() !== (host ?? '').trim().toLowerCase();
  } catch {
    return true; // "null" (sandboxed frames, file: pages) and junk
  }
}

/**
 * Whose offers a stream carries: the browser's own visitor (`userId` may repeat it, never name
 * another), or with the operator's token any visitor the query names.
 */
export function offersVisitor(
  named: string | null,
  caller: { operator: boolean; visitorId: string | null },
): { ok: true; userId: string } | { ok: false; status: 400 | 401 | 403; message: string } {
  if (!caller.operator && !caller.visitorId)
    return { ok: false, status: 401, message: 'no visitor: open the shop first (it gives this browser a visitor cookie), or send the operator token' };
  const userId = named?.trim();
  if (userId !== undefined && !isVisitorId(userId)) return { ok: false, status: 400, message: 'userId query parameter: 1-128 letters, digits, -, _, . or :' };
  if (caller.operator && userId) return { ok: true, userId };
  if (!caller.visitorId) return { ok: false, status: 400, message: 'userId query parameter required with the operator token' };
  if (userId && userId !== caller.visitorId)
    return { ok: false, status: 403, message: "another visitor's offers are theirs: a browser streams only its own visitor's" };
  return { ok: true, userId: caller.visitorId };
}
