import { json, type RequestHandler } from '@sveltejs/kit';
import { issueVisitor } from '$lib/server/access';
import { newVisitorRefusal } from '$lib/server/limits';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * POST /api/visitor: this browser becomes a new shop visitor, with a new id the server picks and
 * signs; nobody can choose an id, so nobody can become someone else. Each address gets only so
 * many (`WEB_NEW_VISITORS_PER_ADDRESS`): made-up visitors would swell the live figures.
 */
export const POST: RequestHandler = ({ cookies, url, locals }) =>
  newVisitorRefusal(locals.operator, locals.clientAddress) ?? json({ userId: issueVisitor(cookies, url) }, { status: 201 });

export const fallback = methodNotAllowed('POST');
