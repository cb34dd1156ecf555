/** The 15 days the generated click log covers. Fixed, so the same seed gives the same files. */

const DAY_MS = 86_400_000;

export const CLICK_LOG_DAYS = 15;
/** 2026-06-01T00:00:00Z, a Monday. */
export const CLICK_LOG_START_MS = Date.UTC(2026, 5, 1);
/** Exclusive: every click happens before this instant. */
export const CLICK_LOG_END_MS = CLICK_LOG_START_MS + CLICK_LOG_DAYS * DAY_MS;
