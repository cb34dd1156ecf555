import { describe, expect, it } from 'vitest';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { MAX_RULE_SET_BYTES } from '../../lib/offers/rule-validation';
import { archivePageOf, RULE_ARCHIVE_PAGE_SIZE, RuleSetRequestError, RuleSets, versionsPage, type RuleSetVersion } from '../../lib/offers/rule-sets';

const T0 = Date.UTC(2026, 0, 1, 12);
const shorter = { ...OFFER_RULES, name: 'quick', windowMinutes: 10 };

describe('the published rule sets', () => {
  it('start with the built-in rules as version 1', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    expect(sets.current).toEqual({ version: 1, rules: OFFER_RULES, note: 'built-in default', publishedAt: 0 });
  });

  it('publish validated rules as the next version, and keep every earlier one unchanged', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    const v2 = sets.publish({ rules: shorter, note: ' ten minutes is enough ' }, T0);
    expect(v2).toEqual({ version: 2, rules: shorter, note: 'ten minutes is enough', publishedAt: T0 });
    expect(sets.current.version).toBe(2);
    expect(sets.version(1)?.rules).toEqual(OFFER_RULES);
    expect(sets.version(3)).toBeNull();
    expect(sets.page({ limit: 10 }).map((s) => [s.version, s.name])).toEqual([
      [2, 'quick'],
      [1, OFFER_RULES.name],
    ]);
  });

  it('refuse bad rules and missing notes with the first problem, writing nothing', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    expect(() => sets.publish({ rules: { ...OFFER_RULES, transitions: [] }, note: 'x' }, T0)).toThrow(/transitions: empty/);
    expect(() => sets.publish({ rules: shorter, note: '  ' }, T0)).toThrow(RuleSetRequestError);
    expect(() => sets.publish({ rules: shorter, note: 'n'.repeat(501) }, T0)).toThrow(/at most 500/);
    expect(sets.current.version).toBe(1);
    expect(sets.publishedThisRun).toBe(0);
  });

  it('roll back by publishing an earlier version again, as a new version', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    sets.publish({ rules: shorter, note: 'try' }, T0);
    const v3 = sets.rollback({ version: 1, note: 'back to the original' }, T0 + 1);
    expect(v3).toMatchObject({ version: 3, rules: OFFER_RULES, rollbackOf: 1 });
    expect(() => sets.rollback({ version: 3, note: 'again' }, T0)).toThrow(/is the current version/);
    expect(() => sets.rollback({ version: 9, note: 'nope' }, T0)).toThrow(/no version 9 \(1 to 3\)/);
    expect(() => sets.rollback({ version: 1.5, note: 'nope' }, T0)).toThrow(/no version 1.5/);
  });

  it('carry every version to the next run', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    sets.publish({ rules: shorter, note: 'try' }, T0);
    const next = new RuleSets(sets.carried());
    expect(next.current).toEqual(sets.current);
    expect(next.page({ limit: 10 })).toEqual(sets.page({ limit: 10 }));
    expect(next.publishedThisRun).toBe(0);
  });
});

const PAGE = RULE_ARCHIVE_PAGE_SIZE;

/** Rule sets with `n` versions, each full page archived as the workflow does it; the pages as the archive keeps them. */
function publishedSets(n: number) {
  const sets = new RuleSets({ initial: OFFER_RULES });
  const pages: RuleSetVersion[][] = [];
  for (let v = 2; v <= n; v++) {
    sets.publish({ rules: { ...shorter, windowMinutes: 1 + (v % 60) }, note: `v${v}` }, T0 + v);
    for (let full = sets.fullPage(); full; full = sets.fullPage()) {
      pages[full.page] = full.versions;
      sets.archived(full.page);
    }
  }
  return { sets, pages };
}

describe('the rule sets archive', () => {
  it('moves every full page of versions out of what the workflow carries', () => {
    const { sets, pages } = publishedSets(3 * PAGE + 5);
    expect(pages.map((p) => [p[0]!.version, p.at(-1)!.version])).toEqual([
      [1, PAGE],
      [PAGE + 1, 2 * PAGE],
      [2 * PAGE + 1, 3 * PAGE],
    ]);
    const carried = sets.carried();
    expect(carried.archivedPages).toBe(3);
    expect(carried.versions!.map((v) => v.version)).toEqual([1, 2, 3, 4, 5].map((i) => 3 * PAGE + i));
    expect(sets.isArchived(3 * PAGE)).toBe(true);
    expect(sets.isArchived(3 * PAGE + 1)).toBe(false);
    expect(sets.version(5)).toBeNull();
    expect(archivePageOf(PAGE)).toBe(0);
    expect(archivePageOf(PAGE + 1)).toBe(1);
  });

  it('keeps what it carries bounded however many versions there are', () => {
    const { sets } = publishedSets(5_000);
    const carried = sets.carried();
    expect(sets.current.version).toBe(5_000);
    expect(carried.versions!.length).toBeLessThan(PAGE);
    expect(JSON.stringify(carried).length).toBeLessThan(PAGE * 2_000);
  });

  it('carries the current version by itself when it closed a page', () => {
    const { sets } = publishedSets(2 * PAGE);
    const next = new RuleSets(sets.carried());
    expect(next.current).toEqual(sets.current);
    expect(next.current.version).toBe(2 * PAGE);
    expect(next.publish({ rules: shorter, note: 'after a full page' }, T0).version).toBe(2 * PAGE + 1);
  });

  it('starts from a run that carried every version, before the archive, and archives them page by page', () => {
    const versions = Array.from({ length: 2 * PAGE + 3 }, (_, i) => ({ version: i + 1, rules: OFFER_RULES, note: `v${i + 1}`, publishedAt: i }));
    const sets = new RuleSets({ initial: OFFER_RULES, versions });
    expect(sets.current.version).toBe(2 * PAGE + 3);
    expect(sets.fullPage()?.page).toBe(0);
    sets.archived(0);
    expect(sets.fullPage()?.versions[0]!.version).toBe(PAGE + 1);
    sets.archived(1);
    expect(sets.fullPage()).toBeNull();
  });

  it('rolls back to an archived version only with that version read from its page', () => {
    const { sets, pages } = publishedSets(PAGE + 4);
    expect(sets.validateRollback({ version: 3, note: 'early' })).toBeNull();
    expect(() => sets.rollback({ version: 3, note: 'early' }, T0)).toThrow(/could not be read from the rule archive/);
    expect(() => sets.rollback({ version: 3, note: 'early' }, T0, pages[0]![4]!)).toThrow(/could not be read/);
    const back = sets.rollback({ version: 3, note: 'early' }, T0, pages[0]![2]!);
    expect(back).toMatchObject({ version: PAGE + 5, rollbackOf: 3, rules: pages[0]![2]!.rules });
  });

  it('pages the version list newest first across what is held and the archive pages', async () => {
    const { sets, pages } = publishedSets(2 * PAGE + 10);
    const reads: number[] = [];
    const read = async (page: number) => {
      reads.push(page);
      return pages[page]!;
    };
    const page = (before: number | undefined, limit: number) => versionsPage({ before, limit }, sets.page({ before, limit }), sets.archive('s'), read);

    const first = await page(undefined, 20);
    expect(first.versions.map((v) => v.version)).toEqual(Array.from({ length: 20 }, (_, i) => 2 * PAGE + 10 - i));
    expect(first.next).toBe(2 * PAGE - 9);
    expect(reads).toEqual([1]);

    const all: number[] = [];
    for (let before: number | null | undefined = undefined; before !== null;) {
      const p = await page(before, 7);
      all.push(...p.versions.map((v) => v.version));
      before = p.next;
    }
    expect(all).toEqual(Array.from({ length: 2 * PAGE + 10 }, (_, i) => 2 * PAGE + 10 - i));
    expect((await page(PAGE + 1, 100)).versions.map((v) => v.version)).toEqual(Array.from({ length: PAGE }, (_, i) => PAGE - i));
    expect(await page(1, 10)).toEqual({ versions: [], next: null });
  });

  it('refuses a rule set larger than an archive page can hold, naming its size', () => {
    const sets = new RuleSets({ initial: OFFER_RULES });
    // 100 steps, each of a demographic per age band: about twice the limit.
    const step = {
      ...OFFER_RULES.transitions[2]!,
      demographics: Array.from({ length: 6 }, (_, i) => ({ gender: 'F' as const, minAge: 20 * i, maxAge: 20 * i + 19 })),
    };
    const huge = { ...OFFER_RULES, transitions: [...OFFER_RULES.transitions, ...Array.from({ length: 95 }, () => step)] };
    expect(JSON.stringify(huge).length).toBeGreaterThan(MAX_RULE_SET_BYTES);
    expect(() => sets.publish({ rules: huge, note: 'too big' }, T0)).toThrow(
      new RegExp(`rules: at most ${MAX_RULE_SET_BYTES} bytes as compact JSON, got \\d+`),
    );
    const fits = { ...huge, transitions: huge.transitions.slice(0, 30) };
    expect(JSON.stringify(fits).length).toBeLessThan(MAX_RULE_SET_BYTES);
    expect(sets.publish({ rules: fits, note: 'fits' }, T0).version).toBe(2);
  });
});
