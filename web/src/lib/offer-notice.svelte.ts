/** What the shop just did with an offer, for the banner's live region: said once, where a screen reader hears it. */
class OfferNotice {
  text = $state('');

  say(text: string): void {
    this.text = text;
  }
}

export const offerNotice = new OfferNotice();
