/**
 * Who is behind each session of the log: registered visitors and some visitors absent from
 * users.json, each with a stable device and address that only now and then change.
 */
import type { Visitor } from '../../lib/schema';
import { blocksOf, randomIpIn, VisitorIpSampler, type CountryCode } from './ip-blocks';
import { type Rng, WeightedTable } from './prng';
import { UserAgentSampler, type UserAgent } from './user-agents';

/** Chance that a person's session comes from another address (another network, a new lease). */
const NEW_IP_RATE = 0.06;
/** Chance that a person's session comes from another of their devices. */
const OTHER_DEVICE_RATE = 0.03;
/** Crawlers spread their requests over their whole network. */
const CRAWLER_NEW_IP_RATE = 0.5;
/** Spread of how often visitors come back (log-normal): most rarely, a few very often. */
const ACTIVITY_SIGMA = 1;

interface VisitorProfile {
  /** As the log writes it: the GUID in braces. */
  logId: string;
  country: CountryCode;
  ip: string;
  userAgent: UserAgent;
}

/** How a visitor shows up in one session. */
export interface SessionVisitor {
  logId: string;
  ip: string;
  userAgent: UserAgent;
}

interface Group {
  profiles: VisitorProfile[];
  activity: WeightedTable;
}

export class VisitorPool {
  private readonly ips = new VisitorIpSampler();
  private readonly userAgents = new UserAgentSampler();
  private readonly registered: Group | null;
  private readonly unregistered: Group;
  private readonly unregisteredShare: number;

  /** `unregisteredShare` of the sessions come from visitors that are not in `visitors`. */
  constructor(rng: Rng, visitors: readonly Visitor[], unregisteredShare: number) {
    this.registered =
      visitors.length > 0
        ? this.group(
            rng,
            visitors.map((v) => v.userId),
          )
        : null;
    const known = new Set(visitors.map((v) => v.userId));
    const strangers = new Set<string>();
    const strangerCount = Math.max(20, Math.ceil(visitors.length * unregisteredShare));
    while (strangers.size < strangerCount) {
      const id = rng.guid();
      if (!known.has(id)) strangers.add(id);
    }
    this.unregistered = this.group(rng, [...strangers]);
    this.unregisteredShare = this.registered ? unregisteredShare : 1;
  }

  nextSession(rng: Rng): SessionVisitor {
    const { profiles, activity } = rng.chance(this.unregisteredShare) ? this.unregistered : this.registered!;
    const profile = profiles[activity.sample(rng)]!;
    const { network } = profile.userAgent;
    if (network !== undefined) {
      const ip = rng.chance(CRAWLER_NEW_IP_RATE) ? this.networkIp(rng, network) : profile.ip;
      return { logId: profile.logId, ip, userAgent: profile.userAgent };
    }
    return {
      logId: profile.logId,
      ip: rng.chance(NEW_IP_RATE) ? this.ips.randomIp(rng, profile.country) : profile.ip,
      userAgent: rng.chance(OTHER_DEVICE_RATE) ? this.personalUserAgent(rng) : profile.userAgent,
    };
  }

  private group(rng: Rng, userIds: readonly string[]): Group {
    const profiles = userIds.map((userId) => this.profile(rng, userId));
    const activity = new WeightedTable(profiles.map(() => Math.exp(rng.normal(0, ACTIVITY_SIGMA))));
    return { profiles, activity };
  }

  private profile(rng: Rng, userId: string): VisitorProfile {
    const userAgent = this.userAgents.sample(rng);
    const country = this.ips.randomCountry(rng);
    const ip = userAgent.network !== undefined ? this.networkIp(rng, userAgent.network) : this.ips.randomIp(rng, country);
    return { logId: `{${userId}}`, country, ip, userAgent };
  }

  private networkIp(rng: Rng, network: string): string {
    return randomIpIn(rng, rng.pick(blocksOf(network)));
  }

  /** A second device of a person: any browser, never a crawler or a script. */
  private personalUserAgent(rng: Rng): UserAgent {
    let ua = this.userAgents.sample(rng);
    while (ua.network !== undefined || ua.device === 'Other') ua = this.userAgents.sample(rng);
    return ua;
  }
}
