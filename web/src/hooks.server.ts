import type { Handle, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { closeServices, config, dashboardHub, offersHub } from '$lib/server/services';
import { getCatalogue } from '$lib/server/catalogue';
import { closeAllStreams } from '$lib/server/sse-response';

/** Connects once at start; `[ready]` tells the stack scripts and tests the offers consumer listens. */
export const init: ServerInit = async () => {
  if (building) return;
  const { products } = getCatalogue();
  await Promise.all([offersHub.start(), dashboardHub.start()]);
  console.log(`[ready] web on port ${process.env.PORT ?? config.web.port}: ${products.length} products, offers group ${offersHub.groupId}`);
};

// On SIGTERM/SIGINT adapter-node waits for open connections to end: end the event streams at once.
// Then it emits `sveltekit:shutdown`, and the connections to Kafka, Redis and Temporal close.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, closeAllStreams);
process.on('sveltekit:shutdown', () => void closeServices());

export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  return response;
};
