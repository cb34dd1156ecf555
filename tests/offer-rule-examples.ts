/** Rule sets the tests use beside the built-in one, each as one function so every suite runs the same. */
import type { OfferRules } from '../lib/offers/offer-rules';
import type { Gender } from '../lib/schema';

/** Books, then games, for `gender` of 18 to 99 (`maxAge`): none of the default's states but the initial one. */
export function booksThenGames({
  gender = 'M',
  maxAge = 99,
  initialState = 'init',
  offerState = 'offer',
  windowMinutes = 30,
}: { gender?: Gender; maxAge?: number; initialState?: string; offerState?: string; windowMinutes?: number } = {}): OfferRules {
  return {
    name: 'books-then-games',
    initialState,
    offerState,
    windowMinutes,
    transitions: [
      { from: initialState, to: 'books_visited', category: 'books', demographics: [{ gender, minAge: 18, maxAge }] },
      { from: 'books_visited', to: offerState, category: 'games' },
    ],
    offerByGender: { [gender]: 'offer-games' },
    offers: { 'offer-games': { title: 'For players', copy: 'Any game in the shop.', discountPercent: 15, categories: ['games'] } },
  };
}

/** Shoes, and no clothing within `minutes`: the offer `offerId` for women. */
export function shoesWithoutClothing(minutes: number, offerId = 'offer-shoes'): OfferRules {
  return {
    name: 'shoes-without-clothing',
    initialState: 'init',
    offerState: 'offer',
    windowMinutes: 30,
    transitions: [{ from: 'init', to: 'shoes_visited', category: 'shoes' }],
    offerByGender: { F: offerId },
    offers: { [offerId]: { title: 'Shoes on their own', copy: 'Any pair in the shop.', discountPercent: 10, categories: ['shoes'] } },
    otherClicks: 'ignore',
    absences: [{ from: 'shoes_visited', to: 'offer', minutes, category: 'clothing' }],
  };
}
