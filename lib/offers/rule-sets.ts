/**
 * The published offer rule sets, as a plain class the offer-rules workflow wires to its updates
 * and queries. Each version is immutable once published; a rollback publishes an earlier
 * version's rules again as a new version, so versions only grow and every visitor workflow can
 * tell a newer set from an older one by its number.
 */
import type { OfferRules } from './offer-rules';
import { parseOfferRules } from './rule-validation';

export interface RuleSetVersion {
  /** 1 for the built-in default the workflow starts with, then one more per publication. */
  version: number;
  rules: OfferRules;
  /** The operator's note: why this version. */
  note: string;
  /** Workflow time of the publication, ms since the epoch. */
  publishedAt: number;
  /** On a rollback: the version whose rules it publishes again. */
  rollbackOf?: number;
}

/** A version in the list of versions, without its rules. */
export type RuleSetSummary = Omit<RuleSetVersion, 'rules'> & { name: string };

export interface PublishRequest {
  rules: unknown;
  note: string;
}

export interface RollbackRequest {
  version: number;
  note: string;
}

export interface RuleSetsInput {
  /** The first run's version 1. */
  initial: OfferRules;
  /** Set by continue-as-new only: every version so far, oldest first. */
  versions?: RuleSetVersion[];
}

export const MAX_NOTE_LENGTH = 500;

/** Why a request is refused, in words for the operator; thrown by the update validators. */
export class RuleSetRequestError extends Error {
  override readonly name = 'RuleSetRequestError';
}

function checkNote(note: unknown): string {
  if (typeof note !== 'string' || note.trim() === '') throw new RuleSetRequestError('note: say in a few words why this version');
  if (note.length > MAX_NOTE_LENGTH) throw new RuleSetRequestError(`note: at most ${MAX_NOTE_LENGTH} characters`);
  return note.trim();
}

export class RuleSets {
  private readonly versions: RuleSetVersion[];
  private readonly initial: OfferRules;
  /** Publications in this run: the workflow continues as new after enough of them. */
  publishedThisRun = 0;

  constructor({ initial, versions }: RuleSetsInput) {
    this.initial = initial;
    this.versions = versions && versions.length > 0 ? [...versions] : [{ version: 1, rules: initial, note: 'built-in default', publishedAt: 0 }];
  }

  get current(): RuleSetVersion {
    return this.versions.at(-1)!;
  }

  version(n: number): RuleSetVersion | null {
    return this.versions[n - 1] ?? null;
  }

  /** Newest first. */
  list(): RuleSetSummary[] {
    return this.versions.map(({ rules, ...summary }) => ({ ...summary, name: rules.name })).reverse();
  }

  /** Throws `RuleSetRequestError` naming the first problem; returns the rules as validated. */
  validatePublish(request: PublishRequest): OfferRules {
    checkNote(request.note);
    const parsed = parseOfferRules(request.rules);
    if (!parsed.ok) throw new RuleSetRequestError(parsed.reason);
    return parsed.value;
  }

  publish(request: PublishRequest, at: number): RuleSetVersion {
    return this.append({ rules: this.validatePublish(request), note: checkNote(request.note), publishedAt: at });
  }

  validateRollback({ version, note }: RollbackRequest): RuleSetVersion {
    checkNote(note);
    const target = Number.isInteger(version) ? this.version(version) : null;
    if (!target) throw new RuleSetRequestError(`version: no version ${String(version)} (1 to ${this.current.version})`);
    if (target.version === this.current.version) throw new RuleSetRequestError(`version: ${version} is the current version`);
    return target;
  }

  rollback(request: RollbackRequest, at: number): RuleSetVersion {
    const target = this.validateRollback(request);
    return this.append({ rules: target.rules, note: checkNote(request.note), publishedAt: at, rollbackOf: target.version });
  }

  /** What the next run starts from. */
  carried(): RuleSetsInput {
    return { initial: this.initial, versions: [...this.versions] };
  }

  private append(entry: Omit<RuleSetVersion, 'version'>): RuleSetVersion {
    const published = { version: this.current.version + 1, ...entry };
    this.versions.push(published);
    this.publishedThisRun += 1;
    return published;
  }
}
