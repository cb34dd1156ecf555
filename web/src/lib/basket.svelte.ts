/**
 * This browser's basket and the offer its visitor took, kept in localStorage so they survive
 * reloads and show alike in every tab; bounded by lib/shop/basket.ts.
 */
import { browser } from '$app/environment';
import { parseOfferDefinition } from '$shared/lib/offers/rule-validation';
import { addToBasket, MAX_BASKET_LINES, MAX_QUANTITY, setQuantity, type BasketLine, type TakenOffer } from '$shared/lib/shop/basket';

/** Holds `{lines, takenOffer}`; a basket stored before offers were data held `takenOfferId`, which is read as no offer taken. */
const STORAGE_KEY = 'clickstream.basket';

interface Stored {
  lines: BasketLine[];
  takenOffer: TakenOffer | null;
}

/** The taken offer as stored, checked as its rule set's definitions are. */
function takenOffer(raw: unknown): TakenOffer | null {
  const { offerId, definition } = (raw ?? {}) as Partial<TakenOffer>;
  const parsed = parseOfferDefinition(definition);
  return typeof offerId === 'string' && parsed.ok ? { offerId, definition: parsed.value } : null;
}

/** What this browser stored, held to the basket's bounds: storage is the visitor's to edit. */
function read(): Stored {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as { lines?: unknown; takenOffer?: unknown };
    const lines = Array.isArray(raw.lines)
      ? raw.lines.filter(
          (l): l is BasketLine => typeof l?.productId === 'string' && Number.isInteger(l.quantity) && l.quantity > 0 && l.quantity <= MAX_QUANTITY,
        )
      : [];
    return { lines: lines.slice(0, MAX_BASKET_LINES), takenOffer: takenOffer(raw.takenOffer) };
  } catch {
    return { lines: [], takenOffer: null };
  }
}

class Basket {
  lines = $state<BasketLine[]>([]);
  takenOffer = $state.raw<TakenOffer | null>(null);
  items = $derived(this.lines.reduce((n, l) => n + l.quantity, 0));

  constructor() {
    // The server renders an empty basket; the browser's own fills it in when the page hydrates.
    if (!browser) return;
    this.restore();
    // A purchase or an offer taken in another tab shows here too.
    addEventListener('storage', (event) => {
      if (event.key === STORAGE_KEY || event.key === null) this.restore();
    });
  }

  add(productId: string): void {
    this.lines = addToBasket(this.lines, productId);
    this.save();
  }

  /** The line's quantity; 0 removes it. */
  setQuantity(productId: string, quantity: number): void {
    this.lines = setQuantity(this.lines, productId, quantity);
    this.save();
  }

  /** The visitor took an offer: the basket gives its discount until the next purchase. */
  takeOffer(offer: TakenOffer): void {
    this.takenOffer = offer;
    this.save();
  }

  /** Bought: an empty basket, and the offer used up. */
  clear(): void {
    this.lines = [];
    this.takenOffer = null;
    this.save();
  }

  private restore(): void {
    ({ lines: this.lines, takenOffer: this.takenOffer } = read());
  }

  private save(): void {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ lines: this.lines, takenOffer: this.takenOffer }));
  }
}

export const basket = new Basket();
