import { proxyActivities } from '@temporalio/workflow';
import type { BacktestActivities } from '../activities/detection/backtest-activities';
import type { BacktestInput, BacktestResult } from '../lib/offers/backtest';

const { backtestRules } = proxyActivities<BacktestActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/**
 * What a candidate rule set would have done over the last hours of `enriched-click-data`, beside
 * the live rules: one activity reads the topic and runs both in the visitor workflows' state
 * machine. A workflow, so the run shows in the Temporal UI with its input and report.
 */
export async function backtestRulesWorkflow(input: BacktestInput): Promise<BacktestResult> {
  return backtestRules(input);
}
