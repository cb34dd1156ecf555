import { json, redirect, type RequestHandler } from '@sveltejs/kit';
import { isToken } from '$shared/lib/web/access';
import { serverSecret, signInOperator } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * GET /sign-in?token=<API_TOKEN>: the link `make up` prints. It signs this browser in as the
 * operator (an HttpOnly, SameSite=Strict cookie) and moves on to the dashboard, so the token
 * leaves the address bar at once.
 */
export const GET: RequestHandler = ({ url, cookies }) => {
  if (!isToken(serverSecret(), url.searchParams.get('token'))) {
    return json({ error: 'not the operator token: use the link `make up` prints, or the token in API_TOKEN' }, { status: 401, headers: { 'cache-control': 'no-store' } });
  }
  signInOperator(cookies, url);
  redirect(303, '/dashboard');
};

export const fallback = methodNotAllowed('GET');
