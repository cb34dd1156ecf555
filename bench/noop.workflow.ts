/** The raw-signal ceiling's workflow: takes the visitor feed's signal and does nothing with it. */
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const noopClicksSignal = defineSignal<[unknown[]]>('visitorClicks');

export async function noopWorkflow(): Promise<void> {
  setHandler(noopClicksSignal, () => {});
  await condition(() => false, '1 minute');
}
