import type { PageServerLoad } from './$types';
import { config } from '$lib/server/services';

export const load: PageServerLoad = () => ({
  temporalUi: `${config.temporal.uiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}/workflows`,
  replayWorkflowId: config.web.replayWorkflowId,
});
