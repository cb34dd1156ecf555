import { json, type RequestHandler } from '@sveltejs/kit';
import { issueVisitor } from '$lib/server/access';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

/**
 * POST /api/visitor: this browser becomes a new shop visitor, with a new id the server picks and
 * signs; nobody can choose an id, so nobody can become someone else.
 */
export const POST: RequestHandler = ({ cookies, url }) => json({ userId: issueVisitor(cookies, url) }, { status: 201 });

export const fallback = methodNotAllowed('POST');
