/** The shop's products, read once from `products.json` in DATA_DIR and validated as ingestion does. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseProduct } from '$shared/lib/ingestion/parse-records';
import { CATEGORIES, type Category, type Product } from '$shared/lib/schema';
import { config } from './services';

export interface Catalogue {
  products: Product[];
  byId: Map<string, Product>;
  /** Categories that have products, in the shop's order. */
  categories: Category[];
}

let catalogue: Catalogue | undefined;

export function getCatalogue(): Catalogue {
  if (catalogue) return catalogue;
  const raw = JSON.parse(readFileSync(resolve(config.data.dir, 'products.json'), 'utf8')) as unknown[];
  const products: Product[] = [];
  for (const entry of raw) {
    const parsed = parseProduct(entry);
    if (parsed.ok) products.push(parsed.value);
    else console.warn(`[web] products.json: skipped an entry: ${parsed.reason}`);
  }
  catalogue = {
    products,
    byId: new Map(products.map((p) => [p.id, p])),
    categories: CATEGORIES.filter((c) => products.some((p) => p.category === c)),
  };
  return catalogue;
}

/** Folder of the product pictures the catalogue's `image` paths point to. */
export const productImagesDir = () => resolve(config.data.dir, 'images', 'products');
