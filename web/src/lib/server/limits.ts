/**
 * What one client may ask of the web server (clicks and new visitors by token buckets, event
 * streams per address, backtests at once), and how often each limit said no, for the operator
 * (`GET /api/health`, `make status`). The operator's token is never limited: load tests use it.
 */
import { json } from '@sveltejs/kit';
import { config } from './services';
import { addressKey, TokenBuckets, type Rate } from './token-buckets';

/** Buckets each limit keeps at most: enough for every client of a busy shop, bounded against made-up keys. */
const MAX_TRACKED = 50_000;

const clicksByVisitor = new TokenBuckets(config.web.clicksPerVisitor, MAX_TRACKED);
const clicksByAddress = new TokenBuckets(config.web.clicksPerAddress, MAX_TRACKED);
const newVisitorsByAddress = new TokenBuckets(config.web.newVisitorsPerAddress, MAX_TRACKED);
/** Wrong tokens (a bearer, or sent to /sign-in) and sign-in cookies an address may present: 30 at once, then one every 2 s. */
const badCredentialsByAddress = new TokenBuckets({ perSecond: 0.5, burst: 30 }, MAX_TRACKED);

export type Refusal = 'clicksPerVisitor' | 'clicksPerAddress' | 'newVisitors' | 'streamsPerAddress' | 'streamsBehind' | 'backtests' | 'badCredentials';

const refused: Record<Refusal, number> = {
  clicksPerVisitor: 0,
  clicksPerAddress: 0,
  newVisitors: 0,
  streamsPerAddress: 0,
  streamsBehind: 0,
  backtests: 0,
  badCredentials: 0,
};

export const refusals = (): Readonly<Record<Refusal, number>> => ({ ...refused });

export function countRefusal(kind: Refusal): void {
  refused[kind] += 1;
}

export const tooMany = (what: string, retryAfterS: number): Response =>
  json(
    { error: `too many ${what}: try again in ${retryAfterS} s` },
    { status: 429, headers: { 'retry-after': String(retryAfterS), 'cache-control': 'no-store' } },
  );

const rateText = ({ perSecond, burst }: Rate) => (perSecond >= 1 ? `${perSecond} a second` : `${Math.round(perSecond * 60)} a minute`) + `, ${burst} at once`;

function spend(buckets: TokenBuckets, key: string, kind: Refusal, what: string): Response | null {
  const wait = buckets.take(key, Date.now());
  if (wait === 0) return null;
  countRefusal(kind);
  return tooMany(`${what} (at most ${rateText(buckets.rate)})`, wait);
}

/** Before a click is read: null when it may go, else the `429`. */
export function clickRefusal(caller: { operator: boolean; visitorId: string | null }, address: string | undefined): Response | null {
  if (caller.operator) return null;
  return (
    (caller.visitorId && spend(clicksByVisitor, caller.visitorId, 'clicksPerVisitor', 'clicks from this visitor')) ||
    spend(clicksByAddress, addressKey(address), 'clicksPerAddress', 'clicks from this address')
  );
}

/** Before a new visitor id is given out: null when it may be, else the `429`. */
export function newVisitorRefusal(operator: boolean, address: string | undefined): Response | null {
  return operator ? null : spend(newVisitorsByAddress, addressKey(address), 'newVisitors', 'new visitors from this address');
}

/**
 * Before a credential is checked: an address that presented too many wrong ones gets `429` for
 * every credential until it may try again, so guessing the token runs at a walking pace.
 */
export function credentialRefusal(address: string | undefined): Response | null {
  const wait = badCredentialsByAddress.wait(addressKey(address), Date.now());
  if (wait === 0) return null;
  countRefusal('badCredentials');
  return tooMany('wrong credentials from this address', wait);
}

/** A credential was presented and was wrong. */
export function wrongCredential(address: string | undefined): void {
  badCredentialsByAddress.take(addressKey(address), Date.now());
}
