/**
 * Who may call each route, decided from the route SvelteKit matched (`event.route.id`), never from
 * the path as the client spelled it: `/api/repl%61y` and `/dashboard/./rules` match the same route
 * as their plain spelling, so they get the same answer. A route missing here is refused to
 * everyone (fail closed); a unit test holds this table equal to the folders of `web/src/routes`.
 * Pure: the hook and the tests share it.
 */

/** `anyone`: no credential needed (a handler may still want the visitor's cookie); `operator`: the operator's token or sign-in. */
export type Caller = 'anyone' | 'operator';

/** Every method alike, or the methods anyone may use with every other one the operator's. */
export type RouteAccess = Caller | { anyone: readonly string[] };

const READ = ['GET', 'HEAD'] as const;

/** What the route serves (a page, rendered with its own refusal when it refuses, or an endpoint) and who may call it. */
export interface RouteRule {
  serves: 'page' | 'endpoint';
  access: RouteAccess;
}

const page = (access: RouteAccess): RouteRule => ({ serves: 'page', access });
const endpoint = (access: RouteAccess): RouteRule => ({ serves: 'endpoint', access });

export const ROUTES: Readonly<Record<string, RouteRule>> = {
  '/': page('anyone'),
  '/shop': page('anyone'),
  '/shop/basket': page('anyone'),
  '/shop/products/[id]': page('anyone'),
  '/images/products/[file]': endpoint('anyone'),
  '/dashboard': page('anyone'),
  '/dashboard/rules': page('operator'),
  '/dashboard/visitors/[id]': page('operator'),
  '/sign-in': endpoint('anyone'),
  '/sign-out': endpoint('anyone'),
  '/api/aggregates': endpoint('anyone'),
  '/api/alerts': endpoint('operator'),
  '/api/clicks': endpoint('anyone'),
  '/api/dashboard': endpoint('anyone'),
  '/api/funnel': endpoint('anyone'),
  '/api/health': endpoint('anyone'),
  '/api/offers': endpoint('anyone'),
  '/api/replay': endpoint('operator'),
  '/api/rules': endpoint({ anyone: READ }),
  '/api/rules/backtest': endpoint('operator'),
  '/api/uplift': endpoint('anyone'),
  '/api/visitor': endpoint('anyone'),
  '/api/visitors/[id]': endpoint('operator'),
};

const ruleOf = (routeId: string): RouteRule | undefined => (Object.hasOwn(ROUTES, routeId) ? ROUTES[routeId] : undefined);

/** What a request to `routeId` with `method` needs; `unlisted` for a route this table does not know. */
export function requiredCaller(routeId: string, method: string): Caller | 'unlisted' {
  const access = ruleOf(routeId)?.access;
  if (access === undefined) return 'unlisted';
  if (typeof access === 'string') return access;
  return access.anyone.includes(method.toUpperCase()) ? 'anyone' : 'operator';
}

/** The route renders pages (a refused one renders its own 401 page rather than JSON). */
export const isPageRoute = (routeId: string): boolean => ruleOf(routeId)?.serves === 'page';

/** The refusal's words, the same from the hook and from each operator handler. */
export const OPERATOR_REQUIRED = "the operator's credential is required: Authorization: Bearer <API_TOKEN>, or sign in with the link `make up` prints";
