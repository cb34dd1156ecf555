import type { PageServerLoad } from './$types';
import { valueWithin } from '$shared/lib/deadline';
import { audienceOf, feedFunnel } from '$lib/server/public-feed';
import { config, dashboardHub } from '$lib/server/services';
import { getCatalogue } from '$lib/server/catalogue';
import { currentRules } from '$lib/server/current-rules';
import { currentFunnel } from '$lib/server/funnel';
import { currentUplift } from '$lib/server/uplift';

/** The first paint waits this long for the current figures; past it the page renders empty and the stream fills it. */
const FIRST_FEED_WAIT_MS = 1_500;

/** What answers in time for the first paint, else null: Redis or Temporal down, the stream (or the panel's polling) says so once the page is open. */
const forFirstPaint = <T>(reading: Promise<T>): Promise<T | null> => valueWithin(reading, FIRST_FEED_WAIT_MS);

export const load: PageServerLoad = async ({ locals }) => {
  // The audience its stream will have: the operator's ids are whole from the first paint on.
  const audience = audienceOf(locals.operator);
  // Side by side, so a slow part costs the first paint its wait once, not once per part.
  const [feed, uplift, funnel, rules] = await Promise.all([
    forFirstPaint(dashboardHub.read(audience)),
    forFirstPaint(currentUplift()),
    forFirstPaint(currentFunnel().then((f) => f && feedFunnel(f, audience))),
    currentRules(),
  ]);
  return {
    // The Temporal UI shows every visitor's id and clicks whole: its address is the operator's only.
    temporalUi: locals.operator ? `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows` : null,
    replayWorkflowId: config.temporal.replayWorkflowId,
    feed,
    uplift,
    funnel,
    offerStateAttribute: config.offers.stateSearchAttribute,
    rules,
    // The state-machine log names products by id: the catalogue's few titles go once with the page, not with every entry.
    productTitles: Object.fromEntries(getCatalogue().products.map((p) => [p.id, p.title])),
  };
};
