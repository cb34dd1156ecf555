import type { ClickEvent, DeviceType, EnrichedClick, Gender, Parsed } from '../schema';
import { ageAt } from './age';

/** What the Redis lookups know of a product (`product:<id>` hash). */
export interface ProductFacts {
  category: string;
  title: string;
}

/** What the Redis lookups know of a visitor (`visitor:<id>` hash); a known visitor may have given nothing. */
export interface VisitorFacts {
  gender?: Gender;
  birthDate?: string;
}

export interface ClickContext {
  product: ProductFacts | undefined;
  visitor: VisitorFacts | undefined;
  country: string;
  deviceType: DeviceType;
}

/** Only replayed clicks need the visitor lookup: shop clicks carry the visitor's chosen age and gender. */
export const needsVisitorLookup = (click: Pick<ClickEvent, 'source'>): boolean => click.source === 'replay';

/**
 * Adds what is known of the click's product, visitor, IP and device. Shop clicks carry the
 * visitor's chosen age and gender, which win over the lookups. A visitor nobody knows (not in
 * users.json, or a shopper who said nothing) is enriched with gender 'U' and no age and counted,
 * as the original did. Only a click of a product the catalogue does not know is refused, with the
 * reason, for the dead-letter topic.
 */
export function enrichClick(click: ClickEvent, ctx: ClickContext): Parsed<EnrichedClick> {
  if (!ctx.product) return { ok: false, reason: `unknown product ${click.productId}` };
  const birthDate = ctx.visitor?.birthDate ?? null;
  // Field by field in one order, no spreads: this runs once per click (see lib/schema.ts).
  const enriched: EnrichedClick = {
    clickId: click.clickId,
    userId: click.userId,
    productId: click.productId,
    ip: click.ip,
    userAgent: click.userAgent,
    timestamp: click.timestamp,
    source: click.source,
    category: ctx.product.category,
    title: ctx.product.title,
    gender: click.gender ?? ctx.visitor?.gender ?? 'U',
    birthDate,
    age: click.age ?? (birthDate ? ageAt(birthDate, click.timestamp) : null),
    country: ctx.country,
    deviceType: ctx.deviceType,
  };
  if (click.originalTimestamp !== undefined) enriched.originalTimestamp = click.originalTimestamp;
  if (click.kind !== undefined) enriched.kind = click.kind;
  if (click.offerId !== undefined) enriched.offerId = click.offerId;
  return { ok: true, value: enriched };
}
