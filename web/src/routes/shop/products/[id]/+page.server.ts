import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { getCatalogue } from '$lib/server/catalogue';

export const load: PageServerLoad = ({ params }) => {
  const { byId, products } = getCatalogue();
  const product = byId.get(params.id);
  if (!product) error(404, 'No such product');
  // A few others of the same category, so a visitor can browse on from here.
  const related = products.filter((p) => p.category === product.category && p.id !== product.id).slice(0, 4);
  return { product, related };
};
