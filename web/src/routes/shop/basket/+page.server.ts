import type { PageServerLoad } from './$types';
import { getCatalogue } from '$lib/server/catalogue';

/** The basket itself lives in the browser; the page brings what prices it (a few dozen products). */
export const load: PageServerLoad = () => ({
  products: getCatalogue().products.map(({ id, title, category, priceCents }) => ({ id, title, category, priceCents })),
});
