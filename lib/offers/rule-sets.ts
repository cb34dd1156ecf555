/**
 * The published offer rule sets, as a plain class the offer-rules workflow wires to its updates
 * and queries. Each version is immutable once published; a rollback publishes an earlier
 * version's rules again as a new version, so versions only grow and every visitor workflow can
 * tell a newer set from an older one by its number.
 *
 * The workflow holds only what it needs: the current version and the versions since the last full
 * archive page. Every `RULE_ARCHIVE_PAGE_SIZE` versions go to an archive page (a workflow of their
 * own that only answers queries), so what continue-as-new carries stays bounded however many
 * versions are published: version v lies in page `archivePageOf(v)`.
 */
import type { OfferRules } from './offer-rules';
import { parseOfferRules, type OfferDefinitions } from './rule-validation';

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

/** Versions per archive page: at the largest rule set allowed, a page's input stays far below Temporal's 2 MB payload limit. */
export const RULE_ARCHIVE_PAGE_SIZE = 32;

/** Where the archive stands: pages 0 to `pages - 1` are full and hold versions 1 to `pages * pageSize`. */
export interface RuleArchive {
  /** The rule-sets workflow's first run: archive pages are named after it, so a workflow started afresh never meets an older one's pages. */
  series: string;
  pageSize: number;
  pages: number;
}

export interface RuleSetsInput {
  /** The first run's version 1. */
  initial: OfferRules;
  /**
   * Set by continue-as-new only: the versions after the archived pages, oldest first (before
   * archive pages existed: every version so far).
   */
  versions?: RuleSetVersion[];
  /** Full pages already archived (absent: none). */
  archivedPages?: number;
  /** The current version when it lies in an archived page (no version since). */
  current?: RuleSetVersion;
}

/** An archive page: its versions, oldest first. */
export interface RuleArchivePage {
  page: number;
  versions: RuleSetVersion[];
}

export interface RuleVersionsPageRequest {
  /** Versions older than this one; absent: from the newest. */
  before?: number;
  limit: number;
}

export const MAX_NOTE_LENGTH = 500;
export const MAX_RULE_VERSIONS_PAGE = 100;

/** Why a request is refused, in words for the operator; thrown by the update validators. */
export class RuleSetRequestError extends Error {
  override readonly name = 'RuleSetRequestError';
}

function checkNote(note: unknown): string {
  if (typeof note !== 'string' || note.trim() === '') throw new RuleSetRequestError('note: say in a few words why this version');
  if (note.length > MAX_NOTE_LENGTH) throw new RuleSetRequestError(`note: at most ${MAX_NOTE_LENGTH} characters`);
  return note.trim();
}

/** The archive page that holds version `version`. */
export const archivePageOf = (version: number, pageSize = RULE_ARCHIVE_PAGE_SIZE) => Math.floor((version - 1) / pageSize);

export const summaryOf = ({ rules, ...summary }: RuleSetVersion): RuleSetSummary => ({ ...summary, name: rules.name });

/** A page of summaries, newest first: those of `versions` (any order) older than `before`, at most `limit`. */
export function newestBefore(versions: readonly RuleSetVersion[], { before, limit }: RuleVersionsPageRequest): RuleSetSummary[] {
  return versions
    .filter((v) => before === undefined || v.version < before)
    .sort((a, b) => b.version - a.version)
    .slice(0, limit)
    .map(summaryOf);
}

export class RuleSets {
  /** Versions after the archived pages, oldest first. */
  private readonly held: RuleSetVersion[];
  private readonly initial: OfferRules;
  private latest: RuleSetVersion;
  private archivedPages: number;
  /** Publications in this run: the workflow continues as new after enough of them. */
  publishedThisRun = 0;

  constructor({ initial, versions, archivedPages, current }: RuleSetsInput) {
    this.initial = initial;
    this.archivedPages = archivedPages ?? 0;
    this.held = versions ? [...versions] : [];
    if (!versions && !current) this.held.push({ version: 1, rules: initial, note: 'built-in default', publishedAt: 0 });
    this.latest = this.held.at(-1) ?? current!;
  }

  get current(): RuleSetVersion {
    return this.latest;
  }

  /** A version this run holds; null when there is no such version or it lies in an archived page (`isArchived`). */
  version(n: number): RuleSetVersion | null {
    if (n === this.latest.version) return this.latest;
    return this.held.find((v) => v.version === n) ?? null;
  }

  isArchived(n: number): boolean {
    return Number.isInteger(n) && n >= 1 && n <= this.archivedPages * RULE_ARCHIVE_PAGE_SIZE;
  }

  archive(series: string): RuleArchive {
    return { series, pageSize: RULE_ARCHIVE_PAGE_SIZE, pages: this.archivedPages };
  }

  /** Summaries of the versions this run holds, newest first (the older ones are in the archive pages). */
  page(request: RuleVersionsPageRequest): RuleSetSummary[] {
    return newestBefore(this.held, request);
  }

  /** The update's validator: throws `RuleSetRequestError` naming the first problem; returns the rules as validated. */
  validatePublish(request: PublishRequest, definitions: OfferDefinitions = 'required'): OfferRules {
    checkNote(request.note);
    const parsed = parseOfferRules(request.rules, definitions);
    if (!parsed.ok) throw new RuleSetRequestError(parsed.reason);
    return parsed.value;
  }

  /**
   * The update's handler. Temporal runs the validator only when an update arrives, the handler
   * again at every replay: so the handler stores the rules as they came (`as-stored`), and
   * publications made before offers were data, naming offers without definitions, replay as
   * they ran.
   */
  publish(request: PublishRequest, at: number): RuleSetVersion {
    return this.append({ rules: this.validatePublish(request, 'as-stored'), note: checkNote(request.note), publishedAt: at });
  }

  /** Throws naming the problem; returns the target when this run holds it, null when it lies in an archived page. */
  validateRollback({ version, note }: RollbackRequest): RuleSetVersion | null {
    checkNote(note);
    const exists = Number.isInteger(version) && version >= 1 && version <= this.latest.version;
    if (!exists) throw new RuleSetRequestError(`version: no version ${String(version)} (1 to ${this.latest.version})`);
    if (version === this.latest.version) throw new RuleSetRequestError(`version: ${version} is the current version`);
    return this.version(version);
  }

  /** `archived`: the target read from its archive page, when this run does not hold it. */
  rollback(request: RollbackRequest, at: number, archived: RuleSetVersion | null = null): RuleSetVersion {
    const target = this.validateRollback(request) ?? archived;
    if (!target || target.version !== request.version) throw new RuleSetRequestError(`version: ${request.version} could not be read from the rule archive`);
    return this.append({ rules: target.rules, note: checkNote(request.note), publishedAt: at, rollbackOf: target.version });
  }

  /** The oldest full page of held versions, due for archiving; null while none is full. */
  fullPage(): RuleArchivePage | null {
    const first = this.archivedPages * RULE_ARCHIVE_PAGE_SIZE + 1;
    const versions = this.held.slice(0, RULE_ARCHIVE_PAGE_SIZE);
    if (versions.length < RULE_ARCHIVE_PAGE_SIZE || versions[0]!.version !== first) return null;
    return { page: this.archivedPages, versions };
  }

  /** The page `fullPage` gave is archived: this run lets go of its versions. */
  archived(page: number): void {
    if (page !== this.archivedPages) throw new Error(`archived page ${page}, expected ${this.archivedPages}`);
    this.held.splice(0, RULE_ARCHIVE_PAGE_SIZE);
    this.archivedPages += 1;
  }

  /** What the next run starts from. */
  carried(): RuleSetsInput {
    const carried: RuleSetsInput = { initial: this.initial, versions: [...this.held], archivedPages: this.archivedPages };
    return this.held.length === 0 ? { ...carried, current: this.latest } : carried;
  }

  private append(entry: Omit<RuleSetVersion, 'version'>): RuleSetVersion {
    const published = { version: this.latest.version + 1, ...entry };
    this.held.push(published);
    this.latest = published;
    this.publishedThisRun += 1;
    return published;
  }
}

/** A page of the version list, newest first; `next`: the `before` of the following page, null at the first version. */
export interface RuleVersionsPage {
  versions: RuleSetSummary[];
  next: number | null;
}

/**
 * A page of the version list: what the workflow holds (`held`, from `RuleSets.page`), then as much
 * as the page still wants from the archive pages, newest first, read through `readPage`.
 */
export async function versionsPage(
  request: RuleVersionsPageRequest,
  held: readonly RuleSetSummary[],
  archive: RuleArchive,
  readPage: (page: number) => Promise<readonly RuleSetVersion[]>,
): Promise<RuleVersionsPage> {
  const versions = [...held];
  let before = Math.min(request.before ?? Infinity, archive.pages * archive.pageSize + 1);
  while (versions.length < request.limit && before > 1) {
    const page = archivePageOf(before - 1, archive.pageSize);
    versions.push(...newestBefore(await readPage(page), { before, limit: request.limit - versions.length }));
    before = page * archive.pageSize + 1;
  }
  const oldest = versions.at(-1)?.version;
  return { versions, next: versions.length === request.limit && oldest !== undefined && oldest > 1 ? oldest : null };
}
