import { json, type RequestHandler } from '@sveltejs/kit';
import { unknownVisitorMessage, visitorPageRefusal } from '$lib/visitor-page';
import { visitorDetails } from '$lib/server/visitor-details';
import { methodNotAllowed } from '$lib/server/method-not-allowed';

const NO_STORE = { 'cache-control': 'no-store' };

/** GET /api/visitors/<id>: the operator's view of one visitor (`VisitorDetails`), as their page shows it. */
export const GET: RequestHandler = async ({ params, locals }) => {
  const id = params.id ?? '';
  const refusal = visitorPageRefusal(id, locals.operator);
  if (refusal) return json({ error: refusal.message }, { status: refusal.status, headers: NO_STORE });
  const details = await visitorDetails(id);
  const unknown = unknownVisitorMessage(details);
  if (unknown) return json({ error: unknown }, { status: 404, headers: NO_STORE });
  return json(details, { headers: NO_STORE });
};

export const fallback = methodNotAllowed('GET');
