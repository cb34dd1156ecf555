import type { PageServerLoad } from './$types';
import { getCatalogue } from '$lib/server/catalogue';

export const load: PageServerLoad = ({ url }) => {
  const { products, categories } = getCatalogue();
  const wanted = url.searchParams.get('category');
  const category = categories.find((c) => c === wanted) ?? null;
  return { categories, category, products: category ? products.filter((p) => p.category === category) : products };
};
