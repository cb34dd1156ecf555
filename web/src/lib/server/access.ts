/**
 * The web app's side of `access-checks.ts`: the server's secret (the operator token, from
 * API_TOKEN or the file `make up` writes) and the cookies it signs with it.
 */
import { json, type Cookies } from '@sveltejs/kit';
import { randomUUID } from 'node:crypto';
import { apiToken } from '$shared/clients/secrets';
import { OPERATOR_COOKIE, OPERATOR_SESSION_MS, operatorCookieValue, VISITOR_COOKIE, VISITOR_COOKIE_MAX_AGE_S, visitorCookieValue } from './access-checks';
import { config } from './services';
import { OPERATOR_REQUIRED } from './route-access';

let secret: string | undefined;

/** The operator token; read once. A server without one refuses to start rather than run unguarded. */
export function serverSecret(): string {
  secret ??= apiToken(config.web) ?? undefined;
  if (!secret) throw new Error(`no operator token: set API_TOKEN, or put one in ${config.web.apiTokenFile} (\`make up\` does)`);
  return secret;
}

/** Secure where the app is served over https; browsers keep no Secure cookie from plain http. */
const secure = (url: URL) => url.protocol === 'https:';

/** A new shop visitor: a fresh upper-case GUID, as the original data's ids, in a signed HttpOnly cookie. */
export function issueVisitor(cookies: Cookies, url: URL): string {
  const userId = randomUUID().toUpperCase();
  cookies.set(VISITOR_COOKIE, visitorCookieValue(serverSecret(), userId), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(url),
    maxAge: VISITOR_COOKIE_MAX_AGE_S,
  });
  return userId;
}

export function signInOperator(cookies: Cookies, url: URL): void {
  cookies.set(OPERATOR_COOKIE, operatorCookieValue(serverSecret(), Date.now()), {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(url),
    maxAge: OPERATOR_SESSION_MS / 1000,
  });
}

export function signOutOperator(cookies: Cookies, url: URL): void {
  cookies.delete(OPERATOR_COOKIE, { path: '/', secure: secure(url) });
}

/**
 * Each operator route's own check, beside the hook's (route-access.ts): should one layer ever fail,
 * the other still refuses. `null` when the caller is the operator.
 */
export const operatorRefusal = (locals: App.Locals): Response | null =>
  locals.operator ? null : json({ error: OPERATOR_REQUIRED }, { status: 401, headers: { 'cache-control': 'no-store' } });
