/**
 * Sends a product view to POST /api/clicks (the server takes the visitor from this browser's
 * cookie), and remembers which product each accepted click was, so an offer's click ids can be
 * told back to the shopper as the products they looked at.
 */
import { browser } from '$app/environment';
import { profileClickFields, type VisitorProfile } from '$shared/lib/web/visitor-identity';

export type ClickStatus = { state: 'idle' | 'sending' | 'sent' } | { state: 'failed'; message: string };

const VIEWS_KEY = 'clickstream.views';
/** An offer looks back a few clicks; older views need not be kept. */
const MAX_VIEWS = 50;

function storedViews(): [clickId: string, title: string][] {
  try {
    const views = JSON.parse(sessionStorage.getItem(VIEWS_KEY) ?? '[]') as unknown;
    return Array.isArray(views) ? views.filter((v): v is [string, string] => Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') : [];
  } catch {
    return [];
  }
}

function rememberView(clickId: string, title: string): void {
  sessionStorage.setItem(VIEWS_KEY, JSON.stringify([...storedViews(), [clickId, title]].slice(-MAX_VIEWS)));
}

/** The title of the product this browser viewed with the click, if it did. */
export function viewedTitle(clickId: string): string | undefined {
  return browser ? new Map(storedViews()).get(clickId) : undefined;
}

/** The titles of the products this browser viewed with these clicks, in click order; clicks from elsewhere are left out. */
export function viewedTitles(clickIds: readonly string[]): string[] {
  if (!browser) return [];
  const byClick = new Map(storedViews());
  return clickIds.map((id) => byClick.get(id)).filter((t): t is string => t !== undefined);
}

export async function sendProductView(who: VisitorProfile, product: { id: string; title: string }): Promise<ClickStatus> {
  try {
    const res = await fetch('/api/clicks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ productId: product.id, ...profileClickFields(who) }),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: string; clickId?: string };
    if (res.status === 202) {
      if (body.clickId) rememberView(body.clickId, product.title);
      return { state: 'sent' };
    }
    return { state: 'failed', message: body.error ?? `HTTP ${res.status}` };
  } catch (err) {
    return { state: 'failed', message: (err as Error).message };
  }
}
