/**
 * Visitors whose age or gender changes mid-sequence (a shared device, a corrected profile), through
 * the detection feed's filter and the visitor's state machine together, against the original
 * template's own detection (tests/original-detection.ts) and against hand-worked offers. A sequence
 * completed by a visitor who did not say their gender is a departure: tests/unit/offer-departures.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { clicksOf, F30, F50, M40, M50, pipelineOffers, UNKNOWN, type Step } from '../offer-pipeline';
import { originalOffers } from '../original-detection';

describe('a visitor whose demographics change mid-sequence', () => {
  it.each<[string, Step[], string[]]>([
    [
      'a click outside the target resets the sequence it interrupts',
      [
        [F30, 'clothing', 'A'],
        [F50, 'books', 'K'],
        [F30, 'shoes', 'S'],
        [F30, 'clothing', 'B'],
      ],
      [],
    ],
    [
      'later steps check only what the rule names: the category',
      [
        [F30, 'clothing', 'A'],
        [F50, 'shoes', 'S'],
        [F50, 'clothing', 'B'],
      ],
      ['offer2'],
    ],
    [
      'the offer follows the gender of the click that completes it',
      [
        [M40, 'clothing', 'A'],
        [M40, 'shoes', 'S'],
        [F30, 'clothing', 'B'],
      ],
      ['offer2'],
    ],
    [
      "a completing click outside every target still sends its gender's offer",
      [
        [M40, 'clothing', 'A'],
        [F50, 'shoes', 'S'],
        [F50, 'clothing', 'B'],
      ],
      ['offer2'],
    ],
    [
      "an unknown visitor's click continues a sequence, and a known one completes it",
      [
        [F30, 'clothing', 'A'],
        [UNKNOWN, 'shoes', 'S'],
        [F30, 'clothing', 'B'],
      ],
      ['offer2'],
    ],
    [
      'back to the first product, then on to the offer, all outside the target',
      [
        [M40, 'clothing', 'A'],
        [M40, 'shoes', 'S'],
        [M50, 'clothing', 'A'],
        [M50, 'shoes', 'T'],
        [M50, 'clothing', 'B'],
      ],
      ['offer1'],
    ],
  ])('%s', (_name, steps, expected) => {
    const clicks = clicksOf(steps);
    expect(originalOffers(clicks)).toEqual(expected);
    expect(pipelineOffers(clicks, 1)).toEqual(expected);
    expect(pipelineOffers(clicks, clicks.length)).toEqual(expected);
  });

  it('starts no sequence outside the target, and an expired window cannot be continued from outside it', () => {
    const clicks = clicksOf([
      [M40, 'clothing', 'A'],
      [M50, 'shoes', 'S', 31],
      [M50, 'clothing', 'B', 32],
      [M40, 'shoes', 'T', 33],
      [M40, 'clothing', 'C', 34],
    ]);
    expect(originalOffers(clicks)).toEqual([]);
    expect(pipelineOffers(clicks, 1)).toEqual([]);
  });
});
