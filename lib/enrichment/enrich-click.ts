import { UNKNOWN, type ClickEvent, type DeviceType, type EnrichedClick, type Gender } from '../schema';
import { ageAt } from './age';

/** What the Redis lookups know of a product (`product:<id>` hash). */
export interface ProductFacts {
  category: string;
  title: string;
}

/** What the Redis lookups know of a visitor (`visitor:<id>` hash). */
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

/**
 * Adds what is known of the click's product, visitor, IP and device. Shop clicks carry the
 * visitor's chosen age and gender, which win over the lookups; an unknown product or visitor
 * gives "Unknown" / "U" / null rather than an error.
 */
export function enrichClick(click: ClickEvent, ctx: ClickContext): EnrichedClick {
  const { age: givenAge, gender: givenGender, ...rest } = click;
  const birthDate = ctx.visitor?.birthDate ?? null;
  return {
    ...rest,
    category: ctx.product?.category ?? UNKNOWN,
    title: ctx.product?.title ?? UNKNOWN,
    gender: givenGender ?? ctx.visitor?.gender ?? 'U',
    birthDate,
    age: givenAge ?? (birthDate ? ageAt(birthDate, click.timestamp) : null),
    country: ctx.country,
    deviceType: ctx.deviceType,
  };
}
