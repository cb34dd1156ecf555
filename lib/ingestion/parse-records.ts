import { CATEGORIES, parseJsonObject, type Category, type Parsed, type Product, type Visitor } from '../schema';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates one entry of products.json, naming every problem. */
export function parseProduct(raw: unknown): Parsed<Product> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'expected a JSON object' };
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.id !== 'string' || !ID.test(o.id)) problems.push('id must be 1-64 letters, digits, - or _');
  if (!CATEGORIES.includes(o.category as Category)) problems.push(`category must be one of ${CATEGORIES.join(', ')}`);
  for (const field of ['title', 'description', 'image'] as const) {
    if (typeof o[field] !== 'string' || (field === 'title' && o[field] === ''))
      problems.push(`${field} must be a${field === 'title' ? ' non-empty' : ''} string`);
  }
  if (typeof o.priceCents !== 'number' || !Number.isInteger(o.priceCents) || o.priceCents < 0) problems.push('priceCents must be a whole number >= 0');
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  const { id, category, title, description, image, priceCents } = o as unknown as Product;
  return { ok: true, value: { id, category, title, description, image, priceCents } };
}

/** Validates one NDJSON line of users.json; gender and birthDate may be missing, as in the original data. */
export function parseVisitorLine(line: string): Parsed<Visitor> {
  const parsed = parseJsonObject(line);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const problems: string[] = [];
  if (typeof o.userId !== 'string' || !GUID.test(o.userId)) problems.push('userId must be an upper-case GUID');
  if (o.gender !== undefined && o.gender !== 'M' && o.gender !== 'F') problems.push('gender must be M or F when present');
  if (o.birthDate !== undefined && (typeof o.birthDate !== 'string' || !DATE.test(o.birthDate) || Number.isNaN(Date.parse(o.birthDate)))) {
    problems.push('birthDate must be a YYYY-MM-DD date when present');
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return {
    ok: true,
    value: {
      userId: o.userId as string,
      ...(o.gender ? { gender: o.gender as Visitor['gender'] & string } : {}),
      ...(o.birthDate ? { birthDate: o.birthDate as string } : {}),
    },
  };
}
