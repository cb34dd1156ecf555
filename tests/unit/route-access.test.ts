/**
 * The route access table against the routes that exist: every folder of `web/src/routes` that
 * serves something has an entry, so a route added later is covered (or refused to everyone) without
 * anyone remembering it; and every operator route's own handler refuses too, beside the hook.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isPageRoute, requiredCaller, ROUTES } from '../../web/src/lib/server/route-access';
import { pathSpellings, routeFolders } from '../web-routes';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const folders = routeFolders();
const routes = new Map(folders.map((r) => [r.id, r.files]));

describe('who may call each route', () => {
  it('has a rule for every route in web/src/routes, and none for a route that does not exist', () => {
    expect(routes.size).toBeGreaterThanOrEqual(20);
    expect([...routes.keys()].filter((id) => requiredCaller(id, 'GET') === 'unlisted')).toEqual([]);
    expect(Object.keys(ROUTES).filter((id) => !routes.has(id))).toEqual([]);
  });

  it('knows which routes render pages, as their folders do', () => {
    for (const folder of folders) expect(isPageRoute(folder.id), folder.id).toBe(folder.page);
    expect(isPageRoute('/api/visitors/[id]')).toBe(false);
    expect(isPageRoute('/dashboard/visitors/[id]')).toBe(true);
  });

  it('spells a path in the ways an attacker tries', () => {
    const spellings = pathSpellings('/api/replay');
    expect(spellings).toEqual(
      expect.arrayContaining([
        '/api/replay',
        '/%61pi/replay',
        '/api/%72eplay',
        '/API/REPLAY',
        '/api/replay/',
        '//api/replay',
        '/api//replay',
        '/api/./replay',
        '/api/%2e/replay',
        '/api/x/../replay',
        '/%61%70%69/%72%65%70%6c%61%79',
      ]),
    );
    expect(new Set(spellings).size).toBe(spellings.length);
    expect(spellings.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses a route it does not know to everyone', () => {
    expect(requiredCaller('/api/new-route', 'GET')).toBe('unlisted');
    expect(requiredCaller('constructor', 'GET')).toBe('unlisted');
  });

  it('keeps the control and admin routes to the operator, whatever the method', () => {
    for (const id of ['/api/replay', '/api/rules/backtest', '/api/visitors/[id]', '/dashboard/rules', '/dashboard/visitors/[id]']) {
      for (const method of METHODS) expect(requiredCaller(id, method), `${method} ${id}`).toBe('operator');
    }
    expect(requiredCaller('/api/rules', 'get')).toBe('anyone');
    for (const method of ['PUT', 'POST', 'DELETE', 'PATCH']) expect(requiredCaller('/api/rules', method)).toBe('operator');
    for (const id of ['/', '/shop', '/dashboard', '/api/clicks', '/api/health']) expect(requiredCaller(id, 'GET')).toBe('anyone');
  });

  it('lets anyone sign in, by the link (GET) or the sign-in form of an operator page (POST), and sign out', () => {
    for (const method of ['GET', 'HEAD', 'POST']) expect(requiredCaller('/sign-in', method), `${method} /sign-in`).toBe('anyone');
    expect(requiredCaller('/sign-out', 'POST')).toBe('anyone');
    // An endpoint: a wrong token is answered by the handler (back to the form, or JSON), not by a page's 401.
    expect(isPageRoute('/sign-in')).toBe(false);
  });

  it("has every operator route's handler refuse by itself too", () => {
    const operatorRoutes = [...routes].filter(([id]) => METHODS.some((m) => requiredCaller(id, m) === 'operator'));
    expect(operatorRoutes.length).toBeGreaterThanOrEqual(6);
    for (const [id, files] of operatorRoutes) {
      for (const file of files.filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(file, 'utf8');
        const handlers = [...source.matchAll(/export const (GET|HEAD|POST|PUT|PATCH|DELETE|load)\b/g)].map((m) => m[1]!);
        const guarded = handlers.filter((h) => h === 'load' || requiredCaller(id, h) === 'operator');
        if (guarded.length === 0) continue;
        // Each guarded handler's body names the operator check before anything else it does.
        for (const handler of guarded) {
          const body = source.slice(source.indexOf(`export const ${handler}`)).split(/\nexport /)[0]!;
          expect(/operatorRefusal\(locals\)|visitorPageRefusal\([^)]*locals\.operator\)|if \(!locals\.operator\)/.test(body), `${handler} of ${file}`).toBe(
            true,
          );
        }
      }
    }
  });
});
