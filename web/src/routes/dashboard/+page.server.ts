import type { PageServerLoad } from './$types';
import type { DashboardFeed } from '$shared/lib/web/dashboard-feed';
import { audienceOf, type Audience } from '$shared/lib/web/public-feed';
import { config, dashboardHub } from '$lib/server/services';
import { getCatalogue } from '$lib/server/catalogue';

/** The first paint waits this long for the current figures; past it the page renders empty and the stream fills it. */
const FIRST_FEED_WAIT_MS = 1_500;

async function currentFeed(audience: Audience): Promise<DashboardFeed | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), FIRST_FEED_WAIT_MS)));
  try {
    // Redis or Temporal down: the stream says so once the page is open, as it did before.
    return await Promise.race([dashboardHub.read(audience).catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

export const load: PageServerLoad = async ({ locals }) => ({
  temporalUi: `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows`,
  replayWorkflowId: config.web.replayWorkflowId,
  // The audience its stream will have: the operator's ids are whole from the first paint on.
  feed: await currentFeed(audienceOf(locals.operator)),
  // The state-machine log names products by id: the catalogue's few titles go once with the page, not with every entry.
  productTitles: Object.fromEntries(getCatalogue().products.map((p) => [p.id, p.title])),
});
