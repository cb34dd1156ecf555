/** Display helpers shared by the shop and the dashboard. */
import type { Gender } from '$shared/lib/schema';

export const price = (cents: number) => (cents / 100).toLocaleString('en-IE', { style: 'currency', currency: 'EUR' });

export const genderLabel = (g: Gender | 'U') => (g === 'M' ? 'man' : g === 'F' ? 'woman' : 'unknown');

/** Event times are the replayed log's time, so show the date too when it is not today. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString('en-GB') : d.toLocaleString('en-GB');
}

/** A count as people write it: "12,199". */
export const count = (n: number) => n.toLocaleString('en');

export const hhmm = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });

/** A short form of a long id, for tables on small screens (the full id is in the title attribute). */
export const shortId = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);
