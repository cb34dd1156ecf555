/**
 * The order of the "latest" lists: newest event time first, ties to the larger id. Partitions and
 * the merge of all partitions sort with the same total order, so their top-k lists agree exactly.
 */

const largerIdFirst = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);

export function newestClickFirst(a: { timestamp: number; clickId: string }, b: { timestamp: number; clickId: string }): number {
  return b.timestamp - a.timestamp || largerIdFirst(a.clickId, b.clickId);
}

export function newestVisitorFirst(a: { timestamp: number; userId: string }, b: { timestamp: number; userId: string }): number {
  return b.timestamp - a.timestamp || largerIdFirst(a.userId, b.userId);
}
