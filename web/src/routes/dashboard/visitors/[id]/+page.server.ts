import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { unknownVisitorMessage, visitorPageRefusal } from '$lib/visitor-page';
import { visitorDetails } from '$lib/server/visitor-details';

/** One visitor's clicks, sessions and offer standing: the operator's only (full id, addresses). */
export const load: PageServerLoad = async ({ params, locals, setHeaders }) => {
  const refusal = visitorPageRefusal(params.id, locals.operator);
  if (refusal) error(refusal.status, refusal.message);
  const details = await visitorDetails(params.id);
  const unknown = unknownVisitorMessage(details);
  if (unknown) error(404, unknown);
  setHeaders({ 'cache-control': 'no-store' });
  return { details };
};
