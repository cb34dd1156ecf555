/**
 * This browser's basket and the offer its visitor took, kept in localStorage so they survive
 * reloads and show alike in every tab; bounded by lib/shop/basket.ts.
 */
import { browser } from '$app/environment';
import { addToBasket, MAX_BASKET_LINES, MAX_QUANTITY, type BasketLine } from '$shared/lib/shop/basket';

const STORAGE_KEY = 'clickstream.basket';

interface Stored {
  lines: BasketLine[];
  takenOfferId: string | null;
}

/** What this browser stored, held to the basket's bounds: storage is the visitor's to edit. */
function read(): Stored {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
    const lines = Array.isArray(raw.lines)
      ? raw.lines.filter((l): l is BasketLine => typeof l?.productId === 'string' && Number.isInteger(l.quantity) && l.quantity > 0 && l.quantity <= MAX_QUANTITY)
      : [];
    return { lines: lines.slice(0, MAX_BASKET_LINES), takenOfferId: typeof raw.takenOfferId === 'string' ? raw.takenOfferId : null };
  } catch {
    return { lines: [], takenOfferId: null };
  }
}

class Basket {
  lines = $state<BasketLine[]>([]);
  takenOfferId = $state<string | null>(null);
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

  /** The visitor took an offer: the basket gives its discount until the next purchase. */
  takeOffer(offerId: string): void {
    this.takenOfferId = offerId;
    this.save();
  }

  /** Bought: an empty basket, and the offer used up. */
  clear(): void {
    this.lines = [];
    this.takenOfferId = null;
    this.save();
  }

  private restore(): void {
    ({ lines: this.lines, takenOfferId: this.takenOfferId } = read());
  }

  private save(): void {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ lines: this.lines, takenOfferId: this.takenOfferId }));
  }
}

export const basket = new Basket();
