import { json, redirect, type RequestHandler } from '@sveltejs/kit';
import { isToken } from '$shared/lib/web/access';
import { returnPath } from '$shared/lib/web/visitor-identity';
import { serverSecret, signInOperator } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readBody } from '$lib/server/read-body';
import { config } from '$lib/server/services';

const NOT_THE_TOKEN = 'not the operator token: use the link `make up` prints, or the token in API_TOKEN';
/** The query a page gets back after its sign-in form was sent a wrong token. */
const WRONG_TOKEN = 'signin=wrong';
/** A form of one token and one path. */
const MAX_FORM_BYTES = 2 * 1024;

/** Signs this browser in (an HttpOnly, SameSite=Strict cookie) and moves on to `next`, a dashboard page, so the token leaves the address bar at once. */
function signIn(token: string | null, next: string | null, cookies: Parameters<RequestHandler>[0]['cookies'], url: URL): Response {
  if (!isToken(serverSecret(), token)) return json({ error: NOT_THE_TOKEN }, { status: 401, headers: { 'cache-control': 'no-store' } });
  signInOperator(cookies, url);
  redirect(303, returnPath(next, '/dashboard'));
}

/** GET /sign-in?token=<API_TOKEN>[&next=/dashboard/…]: the link `make up` prints. */
export const GET: RequestHandler = ({ url, cookies }) => signIn(url.searchParams.get('token'), url.searchParams.get('next'), cookies, url);

/**
 * POST /sign-in (a form: token, next): the sign-in form of an operator page opened signed out,
 * which keeps the token out of the address and the history. A wrong token goes back to that page,
 * which says so (`signin=wrong`).
 */
export const POST: RequestHandler = async ({ request, url, cookies }) => {
  const body = await readBody(request, MAX_FORM_BYTES, config.web.bodyTimeoutS * 1000);
  if (!body.ok) return json({ error: body.message }, { status: body.status });
  const form = new URLSearchParams(body.text);
  const next = returnPath(form.get('next'), '/dashboard');
  if (!isToken(serverSecret(), form.get('token'))) redirect(303, `${next}${next.includes('?') ? '&' : '?'}${WRONG_TOKEN}`);
  return signIn(form.get('token'), next, cookies, url);
};

export const fallback = methodNotAllowed('GET', 'POST');
