import type { Client } from '@temporalio/client';
import { archivedRuleVersion } from '../../clients/offer-rules';
import type { RuleSetVersion } from '../../lib/offers/rule-sets';

/** Where an archived version lies: its page's workflow. */
export interface ArchivedVersionRef {
  pageWorkflowId: string;
  version: number;
}

/** The offer-rules workflow's activity: a rollback to a version it no longer holds reads it from its archive page. */
export interface RuleArchiveActivities {
  readArchivedRuleVersion(ref: ArchivedVersionRef): Promise<RuleSetVersion | null>;
}

export function createRuleArchiveActivities({ temporal }: { temporal: Client }): RuleArchiveActivities {
  return {
    readArchivedRuleVersion: ({ pageWorkflowId, version }) => archivedRuleVersion(temporal, pageWorkflowId, version),
  };
}
