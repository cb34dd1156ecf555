/**
 * The offer rules as `GET /api/rules` and the rules editor show them: the current version and a
 * page of the version list, read from Temporal at most once a second per page for every caller;
 * and any version's rules, which never change once published, kept once read.
 */
import { currentRuleSet, ruleSetVersion, ruleSetVersionsPage } from '$shared/clients/offer-rules';
import { OFFER_RULES, type OfferRules } from '$shared/lib/offers/offer-rules';
import type { RuleSetVersion, RuleVersionsPage, RuleVersionsPageRequest } from '$shared/lib/offers/rule-sets';
import { config, temporalClient } from './services';
import { SharedReads } from './shared-reads';

const FRESH_MS = 1_000;

/** Before the first start of the rule-sets workflow, the feed runs its built-in rules: say so. */
const BUILT_IN: RuleSetVersion = { version: 0, rules: OFFER_RULES, note: 'built-in rules: no rule set published yet', publishedAt: 0 };

export type RulesPage = { current: RuleSetVersion } & RuleVersionsPage;

const pages = new SharedReads<RulesPage>(
  async (key) => {
    const request = JSON.parse(key) as RuleVersionsPageRequest;
    const client = await temporalClient();
    const current = await currentRuleSet(client, config.temporal);
    if (!current) return { current: BUILT_IN, versions: [], next: null };
    return { current, ...(await ruleSetVersionsPage(client, config.temporal, request)) };
  },
  { freshMs: FRESH_MS },
);

export const rulesPage = (request: RuleVersionsPageRequest): Promise<RulesPage> => pages.get(JSON.stringify({ before: request.before, limit: request.limit }));

/** After a publication or rollback through this server, its next page is read afresh. */
export const forgetRulesPages = (): void => pages.clear();

/** Versions whose rules are kept: those of the offers and version lists being shown. */
const KEPT_VERSIONS = 128;

const versions = new SharedReads<OfferRules>(
  async (key) => {
    const found = await ruleSetVersion(await temporalClient(), config.temporal, Number(key));
    // Not kept: a version this server cannot read yet may be readable on the next ask.
    if (!found) throw new Error(`no rule set version ${key}`);
    return found.rules;
  },
  // The editor's page reads a page of versions (up to 100) and the one before each at once; each is read once, then kept.
  { freshMs: Infinity, maxKeys: KEPT_VERSIONS, maxReading: KEPT_VERSIONS },
);

/** The rules of a published version (0: the built-in rules, which offers made before rule sets were versioned ran); null when Temporal does not have it or does not answer. */
export async function rulesOfVersion(version: number): Promise<OfferRules | null> {
  if (version === 0) return OFFER_RULES;
  return versions.get(String(version)).catch(() => null);
}
