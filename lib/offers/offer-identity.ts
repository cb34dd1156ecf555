/**
 * Which offer is which: an offer is identified by its visitor and the click that triggered it (the
 * last of its click ids), the same however often it is produced. A sender retried after a crash
 * uses it to tell whether its batch already committed; a reader can use it to drop duplicates.
 */
import type { Offer } from '../schema';

export function offerIdentity({ userId, clickIds }: Pick<Offer, 'userId' | 'clickIds'>): string {
  return `${userId}:${clickIds[clickIds.length - 1] ?? ''}`;
}

/** One transactional id per visitor: a retried send fences every older attempt for that visitor. */
export function offerTransactionalId(clientId: string, userId: string): string {
  return `${clientId}-offers-${userId}`;
}

/**
 * Whether a batch of one visitor's offers, sent in one transaction, is already on the topic, given
 * the visitor's last committed offer since the batch was first scheduled: the batch commits whole,
 * and no later batch of the visitor can exist while this one is unfinished.
 */
export function batchCommitted(batch: readonly Offer[], lastCommitted: Offer | undefined): boolean {
  const last = batch[batch.length - 1];
  return last !== undefined && lastCommitted !== undefined && offerIdentity(lastCommitted) === offerIdentity(last);
}
