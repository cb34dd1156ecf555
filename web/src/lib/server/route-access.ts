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

export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  '/': 'anyone',
  '/shop': 'anyone',
  '/shop/basket': 'anyone',
  '/shop/products/[id]': 'anyone',
  '/images/products/[file]': 'anyone',
  '/dashboard': 'anyone',
  '/dashboard/rules': 'operator',
  '/dashboard/visitors/[id]': 'operator',
  '/sign-in': 'anyone',
  '/sign-out': 'anyone',
  '/api/aggregates': 'anyone',
  '/api/alerts': 'operator',
  '/api/clicks': 'anyone',
  '/api/dashboard': 'anyone',
  '/api/funnel': 'anyone',
  '/api/health': 'anyone',
  '/api/offers': 'anyone',
  '/api/replay': 'operator',
  '/api/rules': { anyone: READ },
  '/api/rules/backtest': 'operator',
  '/api/uplift': 'anyone',
  '/api/visitor': 'anyone',
  '/api/visitors/[id]': 'operator',
};

/** What a request to `routeId` with `method` needs; `unlisted` for a route this table does not know. */
export function requiredCaller(routeId: string, method: string): Caller | 'unlisted' {
  const access = Object.hasOwn(ROUTE_ACCESS, routeId) ? ROUTE_ACCESS[routeId]! : undefined;
  if (access === undefined) return 'unlisted';
  if (typeof access === 'string') return access;
  return access.anyone.includes(method.toUpperCase()) ? 'anyone' : 'operator';
}

/** The refusal's words, the same from the hook and from each operator handler. */
export const OPERATOR_REQUIRED = "the operator's credential is required: Authorization: Bearer <API_TOKEN>, or sign in with the link `make up` prints";
