import { json, type RequestHandler } from '@sveltejs/kit';

/** An API route's `fallback`: a method it does not serve gets a JSON 405 naming the ones it does. */
export const methodNotAllowed =
  (...allowed: string[]): RequestHandler =>
  ({ request }) =>
    json({ error: `method ${request.method} not allowed: use ${allowed.join(' or ')}` }, { status: 405, headers: { allow: allowed.join(', ') } });
