import type { LayoutServerLoad } from './$types';

/** Every page knows its visitor (the signed cookie) and whether the operator is signed in. */
export const load: LayoutServerLoad = ({ locals }) => ({ visitorId: locals.visitorId, operator: locals.operator });
