/**
 * A click log for whole-pipeline chaos tests: background visitors whose clicks no offer rule can
 * use, with scripted visitors' clicks woven in at set shares of the log (so a fault mid-replay
 * falls inside their sequences), and exactly the offers those scripted visitors earn.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateClickRows, productPageUrl, type ClickLogRow } from '../../scripts/datagen/click-log';
import { csvRow } from '../../scripts/datagen/csv';
import { CLICK_LOG_START_MS } from '../../scripts/datagen/log-period';
import { generateProducts } from '../../scripts/datagen/products';
import { USER_AGENTS } from '../../scripts/datagen/user-agents';
import { generateVisitors, visitorJsonLine } from '../../scripts/datagen/visitors';
import { ageAt } from '../../lib/enrichment/age';
import { mayStartSequence } from '../../lib/offers/feed-filter';
import { OFFER_RULES } from '../../lib/offers/offer-rules';
import { replayClickId } from '../../lib/replay/chunk';
import { CLICK_LOG_COLUMNS, type Gender, type Product, type Visitor } from '../../lib/schema';

/** An offer as the test expects it on the offers topic. */
export interface ExpectedOffer {
  userId: string;
  offerId: string;
  clickIds: string[];
}

export interface ScriptedLog {
  products: Product[];
  /** Everyone in users.json: the background and the scripted visitors. */
  visitors: Visitor[];
  /** The log's data rows, header not included. */
  rows: ClickLogRow[];
  /** The offers the scripted visitors earn in the first loop of the replay whose first run id is given. */
  expectedOffers(replayRunId: string): ExpectedOffer[];
  /** Writes products.json, users.json and clicks.csv into `dir`. */
  writeTo(dir: string): void;
}

/** A birth date that makes the visitor `age` for months around today. */
function birthDateForAge(age: number): string {
  const date = new Date(Date.now() - 100 * 86_400_000);
  date.setUTCFullYear(date.getUTCFullYear() - age);
  return date.toISOString().slice(0, 10);
}

/**
 * `backgroundRows` generated rows (with `malformedRate` of broken ones) and 31 scripted clicks: eight
 * visitors who each earn one offer, one who earns two, and three near misses who earn none.
 */
export function scriptedClickLog({ seed, backgroundRows, malformedRate }: { seed: number; backgroundRows: number; malformedRate: number }): ScriptedLog {
  const products = generateProducts(seed);
  const [coatA, coatB] = products.filter((p) => p.category === 'clothing');
  const shoes = products.find((p) => p.category === 'shoes')!;
  const desktop = USER_AGENTS.find((ua) => ua.device === 'Desktop')!.text;
  const background = generateVisitors(seed, 300).filter(
    (v) => !mayStartSequence(OFFER_RULES, { gender: v.gender ?? 'U', age: v.birthDate ? ageAt(v.birthDate, Date.now()) : null }),
  );

  const scripted: { visitor: Visitor; clicks: { row: ClickLogRow; at: number }[]; offers: { row: ClickLogRow }[][] }[] = [];
  const script = (gender: Gender, age: number, steps: [Product, number][], offerAfter: number[]) => {
    const visitor: Visitor = { userId: randomUUID().toUpperCase(), gender, birthDate: birthDateForAge(age) };
    const clicks = steps.map(([product, at]) => ({
      at,
      row: [String(CLICK_LOG_START_MS / 1000), `{${visitor.userId}}`, '81.2.69.160', desktop, productPageUrl(product)],
    }));
    // An offer is earned by the clicks of its sequence: the three up to and including step `end`.
    scripted.push({ visitor, clicks, offers: offerAfter.map((end) => clicks.slice(end - 2, end + 1)) });
  };
  for (let i = 0; i < 4; i++) {
    const [first, second, third] = [0.05 + 0.04 * i, 0.3 + 0.08 * i, 0.7 + 0.06 * i];
    script(
      'M',
      40,
      [
        [coatA!, first],
        [shoes, second],
        [coatB!, third],
      ],
      [2],
    );
    script(
      'F',
      30,
      [
        [coatB!, first + 0.01],
        [shoes, second + 0.01],
        [coatA!, third + 0.01],
      ],
      [2],
    );
  }
  // Twice the sequence: two offers.
  script(
    'M',
    38,
    [
      [coatA!, 0.1],
      [shoes, 0.2],
      [coatB!, 0.33],
      [coatA!, 0.45],
      [shoes, 0.6],
      [coatB!, 0.9],
    ],
    [2, 5],
  );
  // Near misses: back to the first product; too young; shoes first.
  script(
    'M',
    40,
    [
      [coatA!, 0.12],
      [shoes, 0.4],
      [coatA!, 0.8],
    ],
    [],
  );
  script(
    'F',
    24,
    [
      [coatA!, 0.15],
      [shoes, 0.42],
      [coatB!, 0.82],
    ],
    [],
  );
  script(
    'F',
    30,
    [
      [shoes, 0.18],
      [coatA!, 0.44],
      [coatB!, 0.84],
    ],
    [],
  );

  const rows: ClickLogRow[] = [...generateClickRows({ seed, rows: backgroundRows, products, visitors: background, malformedRate })];
  for (const { row, at } of scripted.flatMap((s) => s.clicks).sort((a, b) => b.at - a.at)) rows.splice(Math.round(at * backgroundRows), 0, row);
  /** Data row number (1 = after the header) of a row of the log. */
  const rowNumber = (row: ClickLogRow) => rows.indexOf(row) + 1;
  const visitors = [...background, ...scripted.map((s) => s.visitor)];

  return {
    products,
    visitors,
    rows,
    expectedOffers: (replayRunId) =>
      scripted.flatMap(({ visitor, offers }) =>
        offers.map((clicks) => ({
          userId: visitor.userId,
          offerId: OFFER_RULES.offerByGender[visitor.gender!]!,
          clickIds: clicks.map((c) => replayClickId(replayRunId, 1, rowNumber(c.row))),
        })),
      ),
    writeTo(dir) {
      writeFileSync(join(dir, 'products.json'), JSON.stringify(products));
      writeFileSync(join(dir, 'users.json'), visitors.map(visitorJsonLine).join(''));
      writeFileSync(join(dir, 'clicks.csv'), [CLICK_LOG_COLUMNS, ...rows].map((r) => csvRow(r) + '\n').join(''));
    },
  };
}
