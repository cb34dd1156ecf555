/**
 * The web app's routes as its folders declare them, for the tests that hold every route to its
 * access rule (unit) and call every operator route as an outsider would (chaos).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROUTES = 'web/src/routes';
const SERVES = ['+page.svelte', '+page.server.ts', '+page.ts', '+server.ts'];

export interface RouteFolder {
  /** The route id, as SvelteKit names it: `/` and each folder path below it. */
  id: string;
  files: string[];
  page: boolean;
  /** The methods its `+server.ts` exports. */
  methods: string[];
}

export function routeFolders(dir = ROUTES): RouteFolder[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && SERVES.includes(e.name)).map((e) => join(dir, e.name));
  const found: RouteFolder[] = [];
  if (files.length > 0) {
    const id = `/${relative(ROUTES, dir).split(sep).join('/')}`.replace(/(.)\/$/, '$1');
    const server = files.find((f) => f.endsWith('+server.ts'));
    const methods = server ? [...readFileSync(server, 'utf8').matchAll(/export const (GET|HEAD|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!) : [];
    found.push({ id, files, page: files.some((f) => f.includes('+page')), methods });
  }
  for (const e of entries) if (e.isDirectory()) found.push(...routeFolders(join(dir, e.name)));
  return found;
}

/** A path of the route: each parameter filled in with `values` (by name), or `x`. */
export const concretePath = (id: string, values: Record<string, string> = {}) => id.replace(/\[(\w+)\]/g, (_, name: string) => values[name] ?? 'x');

const percent = (c: string, upper: boolean) => {
  const hex = c.charCodeAt(0).toString(16);
  return `%${upper ? hex.toUpperCase() : hex}`;
};

/**
 * Other spellings of `path` that decode or normalise to the same route, as an attacker tries them:
 * a letter of each segment percent-encoded (either case of hex), every letter encoded, doubled and
 * trailing slashes, `.`, `%2e` and `x/..` segments, and other letter case.
 */
export function pathSpellings(path: string): string[] {
  const segments = path.split('/').slice(1);
  const at = (i: number, segment: string) => `/${segments.map((s, j) => (j === i ? segment : s)).join('/')}`;
  const spellings = new Set<string>([path]);
  segments.forEach((segment, i) => {
    const letter = segment.search(/[a-z]/i);
    if (letter >= 0) {
      const encoded = (upper: boolean) => segment.slice(0, letter) + percent(segment[letter]!, upper) + segment.slice(letter + 1);
      spellings.add(at(i, encoded(false)));
      spellings.add(at(i, encoded(true)));
      spellings.add(at(i, segment[letter]!.toUpperCase() === segment[letter] ? segment.toLowerCase() : segment[0]!.toUpperCase() + segment.slice(1)));
    }
    spellings.add(at(i, `/${segment}`));
    spellings.add(at(i, `./${segment}`));
    spellings.add(at(i, `%2e/${segment}`));
    spellings.add(at(i, `%2E/${segment}`));
    spellings.add(at(i, `x/../${segment}`));
    spellings.add(at(i, `x/%2e%2e/${segment}`));
  });
  spellings.add(`/${segments.map((s) => s.replace(/[a-z]/gi, (c) => percent(c, false))).join('/')}`);
  spellings.add(path.toUpperCase());
  spellings.add(`${path}/`);
  spellings.add(`/${path}`);
  spellings.add(`${path}?x=1`);
  spellings.add(`${path};x=1`);
  return [...spellings];
}
