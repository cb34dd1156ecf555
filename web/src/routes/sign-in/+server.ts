import { json, redirect, type RequestHandler } from '@sveltejs/kit';
import { isToken } from '$lib/server/access-checks';
import { returnPath } from '$lib/visitor-identity';
import { serverSecret, signInOperator } from '$lib/server/access';
import { credentialRefusal, wrongCredential } from '$lib/server/limits';
import { methodNotAllowed } from '$lib/server/method-not-allowed';
import { readBody } from '$lib/server/read-body';
import { config } from '$lib/server/services';

const NOT_THE_TOKEN = 'not the operator token: use the link `make up` prints, or the token in API_TOKEN';
/** The query a page gets back after its sign-in form was sent a wrong token. */
const WRONG_TOKEN = 'signin=wrong';
/** A form of one token and one path. */
const MAX_FORM_BYTES = 2 * 1024;

type Cookies = Parameters<RequestHandler>[0]['cookies'];

/**
 * The token's check, throttled as the hook throttles a bearer or cookie: a wrong one counts against
 * its address, which past its limit gets `429` for every try, so guessing runs at a walking pace.
 * `wrong` asks the caller to say so its own way.
 */
function checkToken(token: string | null, address: string | undefined): 'right' | 'wrong' | Response {
  const throttled = credentialRefusal(address);
  if (throttled) return throttled;
  if (isToken(serverSecret(), token)) return 'right';
  wrongCredential(address);
  return 'wrong';
}

/** Signs this browser in (an HttpOnly, SameSite=Strict cookie) and moves on to `next`, a dashboard page, so the token leaves the address bar at once. */
function signIn(next: string | null, cookies: Cookies, url: URL): never {
  signInOperator(cookies, url);
  redirect(303, returnPath(next, '/dashboard'));
}

/** GET /sign-in?token=<API_TOKEN>[&next=/dashboard/…]: the link `make up` prints. */
export const GET: RequestHandler = ({ url, cookies, locals }) => {
  const check = checkToken(url.searchParams.get('token'), locals.clientAddress);
  if (check instanceof Response) return check;
  if (check === 'wrong') return json({ error: NOT_THE_TOKEN }, { status: 401, headers: { 'cache-control': 'no-store' } });
  signIn(url.searchParams.get('next'), cookies, url);
};

/**
 * POST /sign-in (a form: token, next): the sign-in form of an operator page opened signed out,
 * which keeps the token out of the address and the history. A wrong token goes back to that page,
 * which says so (`signin=wrong`).
 */
export const POST: RequestHandler = async ({ request, url, cookies, locals }) => {
  const body = await readBody(request, MAX_FORM_BYTES, config.web.bodyTimeoutS * 1000);
  if (!body.ok) return json({ error: body.message }, { status: body.status });
  const form = new URLSearchParams(body.text);
  const next = returnPath(form.get('next'), '/dashboard');
  const check = checkToken(form.get('token'), locals.clientAddress);
  if (check instanceof Response) return check;
  if (check === 'wrong') redirect(303, `${next}${next.includes('?') ? '&' : '?'}${WRONG_TOKEN}`);
  signIn(next, cookies, url);
};

export const fallback = methodNotAllowed('GET', 'POST');
