/**
 * The data shapes shared by the generator, the producer, the workers and the web app:
 * the click log's columns, products, visitors and the messages on each Kafka topic.
 * Nothing else in the project spells these out again.
 */

/** The shop's categories, as in the original template. */
export const CATEGORIES = [
  'clothing',
  'shoes',
  'handbags',
  'accessories',
  'books',
  'movies',
  'games',
  'electronics',
  'computers',
  'home&garden',
  'automotive',
  'tools',
  'grocery',
] as const;
export type Category = (typeof CATEGORIES)[number];

export type Gender = 'M' | 'F';

export interface Product {
  /** e.g. `VD55181667` */
  id: string;
  category: Category;
  title: string;
  description: string;
  /** Path the web app serves, e.g. `/images/products/VD55181667.svg`. */
  image: string;
  /** In euro cents, so sums stay exact. */
  priceCents: number;
}

/** One line of users.json (NDJSON). gender and birthDate may be missing, as in the original data. */
export interface Visitor {
  /** Upper-case GUID without braces. */
  userId: string;
  gender?: Gender;
  /** YYYY-MM-DD */
  birthDate?: string;
}

/** Header of the Omniture-style click log CSV, in column order. */
export const CLICK_LOG_COLUMNS = ['Unix Timestamp', 'Visitor Unique ID', 'IP Address', 'User Agent', 'Product Page URL'] as const;

/** Product page URLs in the log look like `${PRODUCT_URL_PREFIX}<category>/<productId>`. */
export const PRODUCT_URL_PREFIX = 'http://www.acme.com/';

/**
 * What a click on the clicks topic records. Page views (`view`, the default, all the replayed log
 * holds) are what the analytics count and what offers are detected on. The shop also sends what
 * the visitor did with the basket and with an offer, for measuring whether offers work.
 */
export const CLICK_KINDS = ['view', 'basket', 'buy', 'offer-taken', 'offer-dismissed'] as const;
export type ClickKind = (typeof CLICK_KINDS)[number];
/** Kinds that answer an offer, and so name it (`offerId`). */
export const OFFER_ANSWER_KINDS = ['offer-taken', 'offer-dismissed'] as const satisfies readonly ClickKind[];

/*
 * A click's field rules, one source for both ways clicks come in: the clicks topic's parser below
 * and the shop's click API (web/src/lib/server/click-request.ts), which words its refusals its own way.
 */
export const isClickKind = (v: unknown): v is ClickKind => (CLICK_KINDS as readonly unknown[]).includes(v);
export const KIND_RULE = `one of ${CLICK_KINDS.join(', ')}`;
/** Whether `kind` answers an offer, and so must name it (`offerId`); no other kind may. */
export const answersOffer = (kind: unknown): boolean => (OFFER_ANSWER_KINDS as readonly unknown[]).includes(kind);
export const isGender = (v: unknown): v is Gender => v === 'M' || v === 'F';
/** The oldest age a click may carry; any older is no age at all. */
export const MAX_AGE = 130;
/** A visitor's age as a click carries it: whole years, 0 to `MAX_AGE`. */
export const isAge = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_AGE;
export const AGE_RULE = `a whole number from 0 to ${MAX_AGE}`;

/** A page view, as every message without a kind is. */
export const isPageView = (click: { kind?: ClickKind }) => click.kind === undefined || click.kind === 'view';

/** A click as it travels on the clicks topic, from the replay or from the shop. */
export interface ClickEvent {
  /** Unique per click, so consumers can deduplicate replays. */
  clickId: string;
  userId: string;
  productId: string;
  ip: string;
  userAgent: string;
  /** Event time in ms since the epoch: what windows are computed on. */
  timestamp: number;
  /** The log's own time in ms since the epoch, for replayed clicks. */
  originalTimestamp?: number;
  /** Shop clicks carry the visitor's chosen demographic. */
  age?: number;
  gender?: Gender;
  source: 'replay' | 'shop';
  /** Absent: a page view. For `basket` and `buy`, `productId` is the product put in the basket or bought. */
  kind?: ClickKind;
  /** The offer a `offer-taken` or `offer-dismissed` answers; `productId` is then the product the offer followed. */
  offerId?: string;
}

/** What the dead-letter topic holds: the rejected input as received, and why. */
export interface DeadLetterRecord {
  /** Where it was rejected, e.g. `producer`, `enrichment`. */
  stage: string;
  reason: string;
  /** The input as text, cut to a bounded length. */
  payload: string;
  /** Topic/partition/offset or file/line where the input came from. */
  origin: string;
  timestamp: number;
}

export const DEVICE_TYPES = ['Desktop', 'Mobile', 'Tablet', 'Bot', 'Other'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];
/** Bot clicks are counted apart from every human figure and never reach offer detection. */
export const BOT_DEVICE = 'Bot' satisfies DeviceType;
export const HUMAN_DEVICE_TYPES = DEVICE_TYPES.filter((d): d is Exclude<DeviceType, typeof BOT_DEVICE> => d !== BOT_DEVICE);
export type HumanDeviceType = (typeof HUMAN_DEVICE_TYPES)[number];

/** Placeholder for a field nothing tells, e.g. the country of a private IP, as in the original template. */
export const UNKNOWN = 'Unknown';

/** A click on the enriched topic: the click plus what the lookups know of product, visitor, IP and device. */
export interface EnrichedClick extends Omit<ClickEvent, 'age' | 'gender'> {
  category: string;
  title: string;
  /** `U` when the visitor is unknown or gave none. */
  gender: Gender | 'U';
  birthDate: string | null;
  /** Whole years at the click's event time; null when unknown. */
  age: number | null;
  country: string;
  deviceType: DeviceType;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Largest message the consumers accept; anything bigger is dead-lettered unread. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** A JSON object of at most `maxBytes`, or why the text is not one. */
export function parseJsonObject(text: string, maxBytes = MAX_MESSAGE_BYTES): Parsed<Record<string, unknown>> {
  if (text.length > maxBytes) return { ok: false, reason: `message of ${text.length} bytes exceeds ${maxBytes}` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'expected a JSON object' };
  return { ok: true, value: raw as Record<string, unknown> };
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2048;

/** Checks the fields every click message has; names each problem. */
function clickProblems(o: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const k of ['clickId', 'userId', 'productId']) if (!isText(o[k])) problems.push(`${k} must be a non-empty string`);
  for (const k of ['ip', 'userAgent']) {
    if (o[k] !== undefined && (typeof o[k] !== 'string' || (o[k] as string).length > 2048)) problems.push(`${k} must be a string`);
  }
  if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp) || o.timestamp <= 0) problems.push('timestamp must be a positive number of ms');
  if (o.originalTimestamp !== undefined && typeof o.originalTimestamp !== 'number') problems.push('originalTimestamp must be a number');
  if (o.source !== 'replay' && o.source !== 'shop') problems.push('source must be replay or shop');
  if (o.kind !== undefined && !isClickKind(o.kind)) problems.push(`kind must be ${KIND_RULE} when given`);
  const answers = answersOffer(o.kind);
  if (answers && !isText(o.offerId)) problems.push(`offerId must be a non-empty string for kind ${String(o.kind)}`);
  if (!answers && o.offerId !== undefined) problems.push('offerId is only for offer-taken and offer-dismissed');
  return problems;
}

/*
 * The parsers below build their results field by field, in one fixed order, rather than with
 * object spreads: they run once per message on the hot path, and objects of one shape keep V8's
 * property access and JSON.stringify fast (see docs/benchmarks.md).
 */

/** The fields every click message has, once `clickProblems` found none. */
function clickFields(o: Record<string, unknown>): ClickEvent {
  const click: ClickEvent = {
    clickId: o.clickId as string,
    userId: o.userId as string,
    productId: o.productId as string,
    ip: (o.ip as string | undefined) ?? '',
    userAgent: (o.userAgent as string | undefined) ?? '',
    timestamp: o.timestamp as number,
    source: o.source as ClickEvent['source'],
  };
  if (o.originalTimestamp !== undefined) click.originalTimestamp = o.originalTimestamp as number;
  // Page views, nearly every message, keep the shape they always had.
  if (o.kind !== undefined && o.kind !== 'view') click.kind = o.kind as ClickKind;
  if (o.offerId !== undefined) click.offerId = o.offerId as string;
  return click;
}

/** Validates a message of the clicks topic. Every problem is named, so dead letters say why. */
export function parseClickEvent(text: string): Parsed<ClickEvent> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const problems = clickProblems(o);
  if (o.age !== undefined && o.age !== null && !isAge(o.age)) problems.push(`age must be ${AGE_RULE}`);
  if (o.gender !== undefined && o.gender !== null && !isGender(o.gender)) problems.push('gender must be M or F');
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  const click = clickFields(o);
  if (typeof o.age === 'number') click.age = o.age;
  if (isGender(o.gender)) click.gender = o.gender;
  return { ok: true, value: click };
}

/** Validates a message of the enriched topic, naming every problem. */
export function parseEnrichedClick(text: string): Parsed<EnrichedClick> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const problems = clickProblems(o);
  for (const k of ['category', 'title', 'country']) if (!isText(o[k])) problems.push(`${k} must be a non-empty string`);
  if (o.gender !== 'M' && o.gender !== 'F' && o.gender !== 'U') problems.push('gender must be M, F or U');
  if (o.birthDate !== null && typeof o.birthDate !== 'string') problems.push('birthDate must be a string or null');
  if (o.age !== null && (typeof o.age !== 'number' || !Number.isFinite(o.age))) problems.push('age must be a number or null');
  if (!(DEVICE_TYPES as readonly unknown[]).includes(o.deviceType)) problems.push(`deviceType must be one of ${DEVICE_TYPES.join(', ')}`);
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  // The same additions in the same order for every record: one object shape throughout.
  const click = clickFields(o) as EnrichedClick;
  click.category = o.category as string;
  click.title = o.title as string;
  click.gender = o.gender as EnrichedClick['gender'];
  click.birthDate = o.birthDate as string | null;
  click.age = o.age as number | null;
  click.country = o.country as string;
  click.deviceType = o.deviceType as DeviceType;
  return { ok: true, value: click };
}

/** A message of the offers topic, keyed by visitor id: what the shop shows the visitor. */
export interface Offer {
  userId: string;
  /** e.g. `offer2` */
  offerId: string;
  /** Why it was sent, for people: the rule set and the window it was met in. */
  reason: string;
  /** The clicks that led to it, oldest first; the last one triggered it, and identifies the offer. */
  clickIds: string[];
  /** Event time of the triggering click, ms since the epoch. */
  timestamp: number;
  /** The rule set that sent it, and its published version (0: the built-in rules, before rule sets were published). */
  rules?: { name: string; version: number };
  /** Which clicks took which steps of the rule, oldest first: the offer explained. */
  steps?: OfferStep[];
}

/** One step of the sequence an offer completed: the state it entered, by a click or by an absence. */
export interface OfferStep {
  state: string;
  /** Event time of the click, or when the absence passed. */
  at: number;
  clickId?: string;
  productId?: string;
  category?: string;
  /** Entered by what the visitor did not do: `minutes` without a view of `category` (or any click). */
  absence?: { minutes: number; category?: string };
}

/** Validates a message of the offers topic, naming every problem. */
export function parseOffer(text: string): Parsed<Offer> {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const problems: string[] = [];
  for (const k of ['userId', 'offerId', 'reason']) if (!isText(o[k])) problems.push(`${k} must be a non-empty string`);
  if (!Array.isArray(o.clickIds) || o.clickIds.length === 0 || !o.clickIds.every(isText)) problems.push('clickIds must be a non-empty list of strings');
  if (typeof o.timestamp !== 'number' || !Number.isFinite(o.timestamp) || o.timestamp <= 0) problems.push('timestamp must be a positive number of ms');
  const rules = o.rules as { name?: unknown; version?: unknown } | undefined;
  const rulesOk =
    rules === undefined ||
    (typeof rules === 'object' && rules !== null && isText(rules.name) && Number.isInteger(rules.version) && (rules.version as number) >= 0);
  if (!rulesOk) problems.push('rules must be {name, version} when given');
  const steps = o.steps as unknown;
  const stepsOk =
    steps === undefined ||
    (Array.isArray(steps) &&
      steps.every((s) => typeof s === 'object' && s !== null && isText((s as OfferStep).state) && typeof (s as OfferStep).at === 'number'));
  if (!stepsOk) problems.push('steps must be a list of {state, at, ...} when given');
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return {
    ok: true,
    value: {
      userId: o.userId as string,
      offerId: o.offerId as string,
      reason: o.reason as string,
      clickIds: o.clickIds as string[],
      timestamp: o.timestamp as number,
      ...(rules ? { rules: { name: rules.name as string, version: rules.version as number } } : {}),
      ...(steps ? { steps: steps as OfferStep[] } : {}),
    },
  };
}
