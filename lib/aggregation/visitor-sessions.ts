/**
 * One visitor's sessions, for their page on the dashboard: their page views split where the gap
 * between two reaches `SESSION_GAP_MS`, as the dashboard's session figures count them. Bot clicks
 * are no page views (the dashboard's human figures leave them out), so they make no session.
 */
import { BOT_DEVICE, isPageView, type EnrichedClick } from '../schema';
import { SESSION_GAP_MS } from './windows';

export interface SessionPage {
  productId: string;
  title: string;
}

export interface VisitorSession {
  /** Event times of its first and last page view. */
  start: number;
  end: number;
  durationMs: number;
  pages: number;
  entry: SessionPage;
  exit: SessionPage;
  /** One page view only. */
  bounce: boolean;
}

const pageOf = (click: EnrichedClick): SessionPage => ({ productId: click.productId, title: click.title });

/** The sessions of one visitor's clicks (in any order), newest first. */
export function visitorSessions(clicks: readonly EnrichedClick[]): VisitorSession[] {
  // Ties by click id, so equal times give the same entry and exit whatever the input order.
  const views = clicks
    .filter((c) => c.deviceType !== BOT_DEVICE && isPageView(c))
    .sort((a, b) => a.timestamp - b.timestamp || (a.clickId < b.clickId ? -1 : a.clickId > b.clickId ? 1 : 0));
  const runs: EnrichedClick[][] = [];
  for (const view of views) {
    const run = runs.at(-1);
    if (run && view.timestamp - run.at(-1)!.timestamp < SESSION_GAP_MS) run.push(view);
    else runs.push([view]);
  }
  return runs
    .map((run) => {
      const first = run[0]!;
      const last = run.at(-1)!;
      return {
        start: first.timestamp,
        end: last.timestamp,
        durationMs: last.timestamp - first.timestamp,
        pages: run.length,
        entry: pageOf(first),
        exit: pageOf(last),
        bounce: run.length === 1,
      };
    })
    .reverse();
}
