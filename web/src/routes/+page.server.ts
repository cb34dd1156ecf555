import type { PageServerLoad } from './$types';
import { describeOfferRules } from '$shared/lib/offers/describe-rules';
import { currentRules } from '$lib/server/current-rules';

/** The landing page says whom the current offer rules target and what they must view. */
export const load: PageServerLoad = async () => ({ rules: describeOfferRules(await currentRules()) });
