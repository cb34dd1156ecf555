import { redirect, type RequestHandler } from '@sveltejs/kit';
import { signOutOperator } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/** POST /sign-out: forgets this browser's operator sign-in. */
export const POST: RequestHandler = ({ url, cookies }) => {
  signOutOperator(cookies, url);
  redirect(303, '/dashboard');
};

export const fallback = methodNotAllowed('POST');
