/** Sends a product view to POST /api/clicks, as any front end would. */
import type { VisitorIdentity } from '$shared/lib/web/visitor-identity';

export type ClickStatus = { state: 'idle' | 'sending' | 'sent' } | { state: 'failed'; message: string };

export async function sendProductView(who: VisitorIdentity, productId: string): Promise<ClickStatus> {
  try {
    const res = await fetch('/api/clicks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: who.userId, productId, age: who.age, gender: who.gender }),
    });
    if (res.status === 202) return { state: 'sent' };
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return { state: 'failed', message: body.error ?? `HTTP ${res.status}` };
  } catch (err) {
    return { state: 'failed', message: (err as Error).message };
  }
}
