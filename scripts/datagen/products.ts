/** The shop's product catalogue, composed from the word lists in catalog.ts. */
import { CATEGORIES, type Category, type Product } from '../../lib/schema';
import { BRANDS, CATALOG, CLOSINGS } from './catalogue';
import { Rng } from './prng';

export const PRODUCT_ID_PATTERN = /^[A-Z]{2}\d{8}$/;

export function productImagePath(id: string): string {
  return `/images/products/${id}.svg`;
}

/** An id like `VD55181667`: two capital letters and eight digits. */
export function randomProductId(rng: Rng): string {
  const letter = () => String.fromCharCode(65 + rng.int(0, 25));
  return `${letter()}${letter()}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

/** The catalogue for a seed, grouped by category in CATEGORIES order. */
export function generateProducts(seed: number): Product[] {
  const rng = new Rng(seed, 'products');
  const ids = new Set<string>();
  const products: Product[] = [];
  for (const category of CATEGORIES) {
    const catalog = CATALOG[category];
    for (const kind of rng.shuffle(catalog.kinds).slice(0, catalog.count)) {
      let id = randomProductId(rng);
      while (ids.has(id)) id = randomProductId(rng);
      ids.add(id);
      products.push(composeProduct(rng, id, category, kind));
    }
  }
  return products;
}

function composeProduct(rng: Rng, id: string, category: Category, kind: string): Product {
  const catalog = CATALOG[category];
  const brand = rng.pick(BRANDS);
  const qualifier = rng.pick(catalog.qualifiers);
  const description = [`${qualifier} ${lowerCaseWords(kind)} by ${brand}, ${rng.pick(catalog.features)}.`, rng.pick(catalog.details), rng.pick(CLOSINGS)].join(
    ' ',
  );
  return {
    id,
    category,
    title: `${brand} ${qualifier} ${kind}`,
    description,
    image: productImagePath(id),
    priceCents: randomPriceCents(rng, catalog.priceEuros),
  };
}

/** "Desktop PC" -> "desktop PC": acronyms keep their capitals. */
function lowerCaseWords(text: string): string {
  return text
    .split(' ')
    .map((word) => (word === word.toUpperCase() ? word : word.toLowerCase()))
    .join(' ');
}

/** A shop-like price ending in .99, spread evenly on a log scale so cheap and dear items both occur. */
function randomPriceCents(rng: Rng, [min, max]: readonly [number, number]): number {
  const euros = Math.round(Math.exp(Math.log(min) + rng.next() * (Math.log(max) - Math.log(min))));
  return euros * 100 - 1;
}
