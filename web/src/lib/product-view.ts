/**
 * Sends a product view, or what the visitor did with the basket or an offer, to POST /api/clicks
 * (the server takes the visitor from this browser's cookie), and remembers which product each
 * accepted view was, so an offer's click ids can be told back to the shopper as the products they
 * looked at.
 */
import { browser } from '$app/environment';
import { profileClickFields, type VisitorProfile } from '$lib/visitor-identity';

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

/** What a visitor did with the basket or an offer, beside page views. */
export type ShopEvent = { kind: 'basket' | 'buy'; productId: string } | { kind: 'offer-taken' | 'offer-dismissed'; productId: string; offerId: string };

/** Posts a click of this browser's visitor; its id when accepted. */
async function postClick(who: VisitorProfile, fields: Record<string, string>): Promise<{ status: ClickStatus; clickId?: string }> {
  try {
    const res = await fetch('/api/clicks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fields, ...profileClickFields(who) }),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: string; clickId?: string };
    if (res.status === 202) return { status: { state: 'sent' }, ...(body.clickId ? { clickId: body.clickId } : {}) };
    return { status: { state: 'failed', message: body.error ?? `HTTP ${res.status}` } };
  } catch (err) {
    return { status: { state: 'failed', message: (err as Error).message } };
  }
}

export async function sendProductView(who: VisitorProfile, product: { id: string; title: string }): Promise<ClickStatus> {
  const { status, clickId } = await postClick(who, { productId: product.id });
  if (clickId) rememberView(clickId, product.title);
  return status;
}

export async function sendShopEvent(who: VisitorProfile, event: ShopEvent): Promise<ClickStatus> {
  return (await postClick(who, event)).status;
}
