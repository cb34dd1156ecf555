/**
 * A flat SVG picture per product: the kind of item its title names (a T-shirt, a power bank, a
 * cookbook...), in a colour and, for fabrics, a pattern picked from the product id, so no two
 * products look alike. No text: the shop prints the title next to the picture. Pure string
 * building, so pictures are reproducible.
 */
import type { Category, Product } from '../../lib/schema';
import { CATALOG } from './catalogue';
import { fnv1a } from '../../lib/fnv1a';

/** The colours one picture is drawn in; `fill` is the main colour or its fabric pattern. */
interface Colours {
  fill: string;
  main: string;
  dark: string;
  light: string;
}

/** Draws an item in a 200 x 200 box. */
type Draw = (c: Colours) => string;

// ---- shape families, shared by kinds that differ in a detail ----

type Sleeves = 'short' | 'long';
type Neck = 'crew' | 'collar' | 'v' | 'hood';
type Front = 'plain' | 'buttons' | 'zip' | 'open';

function top(sleeves: Sleeves, neck: Neck, front: Front, hem = 180): Draw {
  const arms = sleeves === 'short' ? 'L24 72 L44 90 L58 74' : 'L28 64 L16 152 L38 156 L58 86';
  const armsRight = sleeves === 'short' ? 'L156 90 L176 72' : 'L162 156 L184 152 L172 64';
  return (c) =>
    (neck === 'hood' ? `<path d="M72 34 C66 0 134 0 128 34 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` : '') +
    `<path d="M80 26 L56 34 ${arms} L58 ${hem} L142 ${hem} L142 ${sleeves === 'short' ? 74 : 86} ${armsRight} L144 34 L120 26 Q100 44 80 26 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>` +
    (neck === 'crew' ? `<path d="M80 26 Q100 48 120 26" fill="none" stroke="${c.dark}" stroke-width="5"/>` : '') +
    (neck === 'v' ? `<path d="M80 26 L100 70 L120 26" fill="none" stroke="${c.dark}" stroke-width="5"/>` : '') +
    (neck === 'collar' ? `<path d="M80 26 L90 52 L100 38 Z M120 26 L110 52 L100 38 Z" fill="${c.light}" stroke="${c.dark}" stroke-width="2"/>` : '') +
    (front === 'buttons' ? [60, 88, 116, 144].map((y) => `<circle cx="100" cy="${y + (neck === 'v' ? 20 : 0)}" r="4" fill="${c.dark}"/>`).join('') : '') +
    (front === 'zip' ? `<path d="M100 40 L100 ${hem}" stroke="${c.dark}" stroke-width="4"/>` : '') +
    (front === 'open'
      ? `<path d="M100 40 L100 ${hem}" stroke="${c.dark}" stroke-width="3"/><rect x="68" y="70" width="22" height="18" fill="none" stroke="${c.dark}" stroke-width="3"/><rect x="110" y="70" width="22" height="18" fill="none" stroke="${c.dark}" stroke-width="3"/>`
      : '') +
    (sleeves === 'long' && neck !== 'hood' ? `<path d="M58 ${hem - 10} L142 ${hem - 10}" stroke="${c.dark}" stroke-width="3"/>` : '');
}

type ShoeStyle = 'sneaker' | 'runner' | 'trail' | 'loafer' | 'derby' | 'espadrille' | 'flat' | 'ankle-boot' | 'chelsea' | 'sandal';

function shoe(style: ShoeStyle): Draw {
  return (c) => {
    const boot = style === 'ankle-boot' || style === 'chelsea';
    const upper =
      style === 'flat'
        ? 'M24 142 Q30 120 62 124 Q112 130 160 128 Q186 132 186 146 L24 146 Z'
        : boot
          ? 'M30 146 L30 46 L82 46 L86 98 Q122 108 160 116 Q186 124 186 146 Z'
          : 'M22 146 L22 104 Q24 90 42 94 L82 100 Q122 108 160 116 Q186 124 186 146 Z';
    const sole =
      style === 'sneaker' || style === 'runner' || style === 'trail'
        ? `<rect x="16" y="142" width="174" height="20" rx="8" fill="#fff" stroke="${c.dark}" stroke-width="3"/>`
        : style === 'espadrille'
          ? `<rect x="18" y="142" width="172" height="20" rx="6" fill="#E9D8A6" stroke="#9C7A3C" stroke-width="3"/>` +
            Array.from({ length: 10 }, (_, i) => `<path d="M${30 + i * 16} 144 L${26 + i * 16} 160" stroke="#9C7A3C" stroke-width="2"/>`).join('')
          : `<rect x="18" y="144" width="172" height="12" rx="5" fill="${c.dark}"/>` +
            (boot ? `<rect x="30" y="150" width="34" height="22" fill="${c.dark}"/>` : '');
    if (style === 'sandal') {
      return (
        `<rect x="18" y="142" width="172" height="14" rx="7" fill="${c.dark}"/>` +
        `<path d="M40 142 Q60 96 84 142 M96 142 Q124 92 150 142 M60 120 L130 120" fill="none" stroke="${c.main}" stroke-width="12" stroke-linecap="round"/>`
      );
    }
    const details: Record<ShoeStyle, string> = {
      sneaker: `<path d="M86 104 L98 96 M96 110 L108 102 M106 114 L118 106" stroke="${c.light}" stroke-width="5" stroke-linecap="round"/>`,
      runner: `<path d="M40 132 Q90 110 150 128" fill="none" stroke="${c.light}" stroke-width="8" stroke-linecap="round"/>`,
      trail:
        Array.from({ length: 9 }, (_, i) => `<path d="M${24 + i * 18} 162 L${32 + i * 18} 170 L${40 + i * 18} 162" fill="${c.dark}"/>`).join('') +
        `<path d="M140 116 Q170 122 180 138" fill="none" stroke="${c.light}" stroke-width="6"/>`,
      loafer: `<path d="M78 102 Q104 94 124 112" fill="none" stroke="${c.light}" stroke-width="7"/>`,
      derby: `<path d="M80 100 L100 108 M86 96 L106 104" stroke="${c.light}" stroke-width="4"/><path d="M22 128 Q90 132 186 136" fill="none" stroke="${c.dark}" stroke-width="3"/>`,
      espadrille: `<path d="M70 112 Q120 104 170 122" fill="none" stroke="${c.light}" stroke-width="4" stroke-dasharray="6 5"/>`,
      flat: `<path d="M60 124 l-8 -10 l0 20 Z M60 124 l8 -10 l0 20 Z" fill="${c.dark}"/>`,
      'ankle-boot': `<path d="M56 50 L56 120" stroke="${c.light}" stroke-width="4" stroke-dasharray="8 6"/>`,
      chelsea: `<path d="M60 50 L84 50 L86 98 L64 96 Z" fill="${c.dark}"/><rect x="30" y="28" width="14" height="22" rx="4" fill="${c.dark}"/>`,
      sandal: '',
    };
    return `<path d="${upper}" fill="${c.fill}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>${sole}${details[style]}`;
  };
}

/** A bag's body, with a handle or strap over it. */
function bag(body: string, handle: string, detail: (c: Colours) => string): Draw {
  return (c) =>
    `<path d="${handle}" fill="none" stroke="${c.dark}" stroke-width="8" stroke-linecap="round"/>` +
    `<path d="${body}" fill="${c.fill}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>` +
    detail(c);
}

/** A book standing at a slight angle, an emblem on its cover. */
function book(emblem: (c: Colours) => string): Draw {
  return (c) =>
    `<rect x="56" y="24" width="108" height="156" rx="4" fill="#fff" stroke="${c.dark}" stroke-width="3"/>` +
    `<rect x="44" y="18" width="108" height="156" rx="4" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    `<rect x="44" y="18" width="14" height="156" fill="${c.dark}"/>` +
    `<g transform="translate(105 96)">${emblem(c)}</g>`;
}

/** A film's case, a disc peeking out, an emblem on its cover. */
function film(emblem: (c: Colours) => string): Draw {
  return (c) =>
    `<circle cx="130" cy="100" r="58" fill="#D9DEE7" stroke="#8A94A6" stroke-width="3"/><circle cx="130" cy="100" r="12" fill="#fff"/>` +
    `<rect x="30" y="30" width="110" height="146" rx="6" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    `<rect x="30" y="30" width="110" height="18" fill="${c.dark}"/>` +
    `<g transform="translate(85 110)">${emblem(c)}</g>`;
}

const stroke = (colour: string, width = 6) => `fill="none" stroke="${colour}" stroke-width="${width}" stroke-linecap="round" stroke-linejoin="round"`;

/** One drawing per kind of item in the catalogue (catalog.ts), keyed by the kind's name. */
const DRAWINGS: Record<string, Draw> = {
  // clothing
  'T-Shirt': top('short', 'crew', 'plain'),
  'Linen Shirt': top('long', 'collar', 'buttons'),
  'Denim Jacket': top('long', 'collar', 'open', 160),
  'Wool Sweater': top('long', 'crew', 'plain'),
  'Hooded Sweatshirt': (c) =>
    top('long', 'hood', 'plain')(c) + `<path d="M78 120 L122 120 L128 150 L72 150 Z" fill="none" stroke="${c.dark}" stroke-width="3"/>`,
  'Rain Coat': top('long', 'hood', 'zip', 196),
  Cardigan: top('long', 'v', 'buttons'),
  'Summer Dress': (c) =>
    `<path d="M80 14 L84 34 M120 14 L116 34" ${stroke(c.dark, 4)}/>` +
    `<path d="M82 32 Q100 42 118 32 L122 76 L164 188 L36 188 L78 76 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>` +
    `<path d="M78 76 L122 76" stroke="${c.dark}" stroke-width="5"/>`,
  'Pleated Skirt': (c) =>
    `<path d="M64 40 L136 40 L168 176 L32 176 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>` +
    `<rect x="62" y="30" width="76" height="14" fill="${c.dark}"/>` +
    [-3, -2, -1, 0, 1, 2, 3].map((i) => `<path d="M${100 + i * 10} 44 L${100 + i * 19} 176" stroke="${c.dark}" stroke-width="2"/>`).join(''),
  'Chino Trousers': (c) =>
    `<path d="M60 22 L140 22 L152 192 L112 192 L100 84 L88 192 L48 192 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>` +
    `<path d="M60 34 L140 34 M100 22 L100 60 M66 44 Q76 60 88 44 M112 44 Q124 60 134 44" ${stroke(c.dark, 3)}/>`,
  // shoes
  Sneakers: shoe('sneaker'),
  'Running Shoes': shoe('runner'),
  'Trail Shoes': shoe('trail'),
  Loafers: shoe('loafer'),
  'Derby Shoes': shoe('derby'),
  Espadrilles: shoe('espadrille'),
  'Ballet Flats': shoe('flat'),
  'Ankle Boots': shoe('ankle-boot'),
  'Chelsea Boots': shoe('chelsea'),
  Sandals: shoe('sandal'),
  // handbags
  'Tote Bag': bag('M34 70 L166 70 L154 184 L46 184 Z', 'M66 74 L74 24 L92 24 L96 74 M104 74 L108 24 L126 24 L134 74', () => ''),
  'Bucket Bag': bag('M42 66 L158 66 L150 170 Q100 196 50 170 Z', 'M50 68 Q100 -10 150 68', (c) => `<path d="M42 80 Q100 92 158 80" ${stroke(c.dark, 4)}/>`),
  'Shoulder Bag': bag(
    'M30 92 L170 92 L170 170 Q170 182 158 182 L42 182 Q30 182 30 170 Z',
    'M40 94 Q100 0 160 94',
    (c) => `<path d="M30 92 L170 92 L170 126 L30 126 Z" fill="${c.dark}" opacity="0.35"/>`,
  ),
  Satchel: bag(
    'M30 78 L170 78 L170 182 L30 182 Z',
    'M78 80 Q100 36 122 80',
    (c) =>
      `<path d="M30 78 L170 78 L170 130 L30 130 Z" fill="${c.dark}" opacity="0.3"/><rect x="56" y="118" width="18" height="30" rx="3" fill="${c.light}"/><rect x="126" y="118" width="18" height="30" rx="3" fill="${c.light}"/>`,
  ),
  Backpack: bag(
    'M46 50 Q46 30 70 30 L130 30 Q154 30 154 50 L158 186 L42 186 Z',
    'M82 32 Q100 6 118 32',
    (c) => `<rect x="64" y="112" width="72" height="54" rx="10" fill="${c.dark}" opacity="0.4"/><path d="M70 112 L130 112" ${stroke(c.light, 4)}/>`,
  ),
  Clutch: bag(
    'M20 82 L180 82 L180 156 L20 156 Z',
    '',
    (c) => `<path d="M20 82 L100 126 L180 82 Z" fill="${c.dark}" opacity="0.45"/><circle cx="100" cy="122" r="6" fill="${c.light}"/>`,
  ),
  'Hobo Bag': bag(
    'M30 84 Q100 66 170 84 Q182 150 150 178 Q100 194 50 178 Q18 150 30 84 Z',
    'M36 88 Q100 -6 164 88',
    (c) => `<path d="M52 110 Q100 124 148 110" ${stroke(c.dark, 3)}/>`,
  ),
  Weekender: bag(
    'M14 96 Q14 76 44 76 L156 76 Q186 76 186 96 L186 170 L14 170 Z',
    'M64 78 Q100 28 136 78',
    (c) => `<path d="M24 94 L176 94" ${stroke(c.light, 4)}/><rect x="14" y="120" width="172" height="10" fill="${c.dark}"/>`,
  ),
  'Messenger Bag': bag(
    'M24 92 L176 92 L176 182 L24 182 Z',
    'M30 94 L100 12 L170 94',
    (c) =>
      `<path d="M24 92 L176 92 L176 150 L24 150 Z" fill="${c.dark}" opacity="0.35"/><rect x="92" y="138" width="16" height="22" rx="3" fill="${c.light}"/>`,
  ),
  'Crossbody Bag': bag(
    'M52 104 L148 104 L148 176 L52 176 Z',
    'M56 106 L20 14 M144 106 L180 14',
    (c) => `<path d="M52 104 L148 104 L100 146 Z" fill="${c.dark}" opacity="0.45"/>`,
  ),
  // accessories
  Wristwatch: (c) =>
    `<rect x="78" y="6" width="44" height="188" rx="10" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/>` +
    `<circle cx="100" cy="100" r="46" fill="#fff" stroke="${c.dark}" stroke-width="8"/><path d="M100 100 L100 72 M100 100 L120 108" ${stroke(c.dark, 5)}/>`,
  Sunglasses: (c) =>
    `<path d="M14 90 L30 70 M186 90 L170 70" ${stroke(c.dark, 6)}/>` +
    `<path d="M22 86 L92 86 Q92 136 58 136 Q22 136 22 86 Z M108 86 L178 86 Q178 136 142 136 Q108 136 108 86 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="6"/>` +
    `<path d="M92 92 Q100 84 108 92" ${stroke(c.dark, 6)}/>`,
  'Silk Scarf': (c) =>
    `<path d="M40 30 Q90 60 70 110 Q54 150 100 178 L124 164 Q84 140 98 106 Q116 60 66 18 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/>` +
    `<path d="M100 178 L96 192 M108 174 L106 190 M116 170 L116 186 M124 164 L126 180" ${stroke(c.dark, 3)}/>`,
  Belt: (c) =>
    `<path d="M30 100 Q30 50 100 50 Q170 50 170 100 Q170 150 100 150 Q50 150 44 118" ${stroke(c.main, 20)}/>` +
    `<rect x="20" y="88" width="40" height="34" rx="4" fill="none" stroke="${c.light}" stroke-width="7"/><path d="M40 105 L70 105" ${stroke(c.light, 5)}/>`,
  Wallet: (c) =>
    `<rect x="56" y="40" width="80" height="60" rx="4" fill="#fff" stroke="${c.dark}" stroke-width="3" transform="rotate(-8 96 70)"/>` +
    `<rect x="30" y="66" width="140" height="100" rx="12" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/>` +
    `<path d="M130 96 L170 96 L170 136 L130 136 Q118 136 118 116 Q118 96 130 96 Z" fill="${c.dark}"/><circle cx="136" cy="116" r="6" fill="${c.light}"/>`,
  Beanie: (c) =>
    `<circle cx="100" cy="34" r="18" fill="${c.light}" stroke="${c.dark}" stroke-width="3"/>` +
    `<path d="M32 140 Q32 46 100 46 Q168 46 168 140 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/>` +
    `<rect x="26" y="134" width="148" height="40" rx="8" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => `<path d="M${40 + i * 15} 138 L${40 + i * 15} 170" stroke="${c.dark}" stroke-width="2"/>`).join(''),
  Cufflinks: (c) =>
    [58, 142]
      .map(
        (x) =>
          `<rect x="${x - 6}" y="100" width="12" height="40" fill="${c.dark}"/><circle cx="${x}" cy="90" r="34" fill="${c.main}" stroke="${c.dark}" stroke-width="5"/><circle cx="${x}" cy="90" r="14" fill="${c.light}"/><rect x="${x - 20}" y="138" width="40" height="12" rx="5" fill="${c.dark}"/>`,
      )
      .join(''),
  // books
  Cookbook: book((c) => `<path d="M-22 -34 L-22 40 M-30 -34 L-30 -8 Q-22 0 -14 -8 L-14 -34 M20 -34 Q36 -14 20 0 L20 40" ${stroke(c.light, 5)}/>`),
  Novel: book((c) => `<path d="M-30 -20 L34 -20 M-30 0 L34 0 M-20 20 L24 20" ${stroke(c.light, 5)}/><circle cx="2" cy="44" r="6" fill="${c.light}"/>`),
  'Travel Guide': book(
    (c) => `<path d="M2 44 Q-34 -2 -20 -26 Q2 -52 24 -26 Q38 -2 2 44 Z" fill="${c.light}"/><circle cx="2" cy="-14" r="10" fill="${c.main}"/>`,
  ),
  'Field Guide': book((c) => `<path d="M-30 40 Q-36 -30 34 -40 Q36 30 -30 40 Z" fill="${c.light}"/><path d="M-30 40 L20 -20" ${stroke(c.main, 4)}/>`),
  'Poetry Collection': book((c) => `<path d="M-26 44 Q-20 -10 30 -44 Q26 4 -14 24 Z" fill="${c.light}"/><path d="M-30 52 L18 -24" ${stroke(c.main, 3)}/>`),
  'Graphic Novel': book(
    (c) =>
      `<path d="M-34 -30 L34 -30 Q42 -30 42 -22 L42 8 Q42 16 34 16 L-6 16 L-22 34 L-18 16 L-34 16 Q-42 16 -42 8 L-42 -22 Q-42 -30 -34 -30 Z" fill="${c.light}"/>`,
  ),
  Biography: book((c) => `<circle cx="2" cy="-14" r="18" fill="${c.light}"/><path d="M-30 40 Q-30 8 2 8 Q34 8 34 40 Z" fill="${c.light}"/>`),
  // movies
  'Box Set': (c) =>
    [0, 1, 2]
      .map(
        (i) =>
          `<rect x="${30 + i * 22}" y="${30 + i * 8}" width="110" height="146" rx="6" fill="${i === 2 ? c.main : c.light}" stroke="${c.dark}" stroke-width="3"/>`,
      )
      .join('') + `<rect x="74" y="46" width="110" height="18" fill="${c.dark}"/>`,
  Documentary: film(
    (c) =>
      `<rect x="-34" y="-20" width="50" height="38" rx="5" fill="${c.light}"/><path d="M16 -6 L36 -18 L36 16 L16 4 Z" fill="${c.light}"/><circle cx="-20" cy="-32" r="10" fill="${c.light}"/><circle cx="2" cy="-32" r="10" fill="${c.light}"/>`,
  ),
  Thriller: film((c) => `<path d="M-40 0 Q0 -36 40 0 Q0 36 -40 0 Z" fill="${c.light}"/><circle cx="0" cy="0" r="14" fill="${c.dark}"/>`),
  'Animated Feature': film((c) => `<path d="M0 -40 L11 -12 L40 -12 L17 6 L26 34 L0 17 L-26 34 L-17 6 L-40 -12 L-11 -12 Z" fill="${c.light}"/>`),
  Western: film((c) => `<path d="M0 44 L0 -34 M0 4 L-22 4 L-22 -20 M0 -6 L22 -6 L22 -28" ${stroke(c.light, 12)}/>`),
  'Comedy Collection': film(
    (c) =>
      `<circle cx="0" cy="0" r="38" fill="${c.light}"/><circle cx="-13" cy="-10" r="5" fill="${c.dark}"/><circle cx="13" cy="-10" r="5" fill="${c.dark}"/><path d="M-20 8 Q0 30 20 8" ${stroke(c.dark, 5)}/>`,
  ),
  // games
  'Board Game': (c) =>
    `<rect x="26" y="26" width="148" height="148" rx="8" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    Array.from({ length: 16 }, (_, i) =>
      (i + Math.floor(i / 4)) % 2 === 0 ? `<rect x="${44 + (i % 4) * 28}" y="${44 + Math.floor(i / 4) * 28}" width="28" height="28" fill="${c.light}"/>` : '',
    ).join(''),
  'Jigsaw Puzzle': (c) =>
    `<path d="M40 60 L78 60 Q70 30 100 30 Q130 30 122 60 L160 60 L160 98 Q190 90 190 120 Q190 150 160 142 L160 180 L40 180 L40 142 Q70 150 70 120 Q70 90 40 98 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>`,
  'Strategy Game': (c) =>
    `<path d="M58 178 L142 178 L134 156 L66 156 Z M74 156 L82 84 L118 84 L126 156 Z M66 84 L134 84 L134 50 L120 50 L120 62 L108 62 L108 50 L92 50 L92 62 L80 62 L80 50 L66 50 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="3" stroke-linejoin="round"/>`,
  'Card Game': (c) =>
    [-20, 0, 20]
      .map((a) => `<rect x="70" y="40" width="72" height="104" rx="8" fill="#fff" stroke="${c.dark}" stroke-width="3" transform="rotate(${a} 100 170)"/>`)
      .join('') + `<path d="M106 80 Q106 64 120 70 Q134 64 134 80 Q134 92 120 104 Q106 92 106 80 Z" fill="${c.main}" transform="rotate(20 100 170)"/>`,
  'Racing Game': (c) =>
    `<path d="M40 20 L40 190" ${stroke(c.dark, 8)}/><rect x="44" y="24" width="120" height="84" fill="#fff" stroke="${c.dark}" stroke-width="3"/>` +
    Array.from({ length: 20 }, (_, i) =>
      (i + Math.floor(i / 5)) % 2 === 0 ? `<rect x="${44 + (i % 5) * 24}" y="${24 + Math.floor(i / 5) * 21}" width="24" height="21" fill="${c.main}"/>` : '',
    ).join(''),
  'Party Game': (c) =>
    `<rect x="24" y="70" width="80" height="80" rx="14" fill="#fff" stroke="${c.dark}" stroke-width="4" transform="rotate(-12 64 110)"/>` +
    `<rect x="96" y="60" width="80" height="80" rx="14" fill="${c.main}" stroke="${c.dark}" stroke-width="4" transform="rotate(14 136 100)"/>` +
    `<circle cx="50" cy="96" r="7" fill="${c.dark}"/><circle cx="78" cy="124" r="7" fill="${c.dark}"/><circle cx="64" cy="110" r="7" fill="${c.dark}"/>` +
    `<circle cx="136" cy="100" r="7" fill="#fff"/>`,
  // electronics
  'Wireless Headphones': (c) =>
    `<path d="M36 120 L36 100 C36 56 66 30 100 30 C134 30 164 56 164 100 L164 120" ${stroke(c.dark, 14)}/>` +
    `<rect x="20" y="110" width="40" height="66" rx="14" fill="${c.main}"/><rect x="140" y="110" width="40" height="66" rx="14" fill="${c.main}"/>` +
    `<rect x="30" y="122" width="20" height="42" rx="8" fill="${c.light}"/><rect x="150" y="122" width="20" height="42" rx="8" fill="${c.light}"/>`,
  'Bluetooth Speaker': (c) =>
    `<rect x="56" y="24" width="88" height="156" rx="44" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    `<circle cx="100" cy="120" r="30" fill="${c.dark}"/><circle cx="100" cy="120" r="12" fill="${c.light}"/><circle cx="100" cy="64" r="14" fill="${c.dark}"/>`,
  Smartwatch: (c) =>
    `<rect x="76" y="4" width="48" height="192" rx="12" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    `<rect x="56" y="56" width="88" height="92" rx="20" fill="#1F2937" stroke="${c.dark}" stroke-width="4"/><path d="M74 104 L90 104 L98 84 L108 120 L116 104 L128 104" ${stroke(c.light, 4)}/>`,
  'E-Reader': (c) =>
    `<rect x="46" y="14" width="108" height="172" rx="12" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><rect x="58" y="28" width="84" height="130" rx="3" fill="#F3F1EA"/>` +
    [44, 60, 76, 92, 108, 124].map((y) => `<path d="M66 ${y} L${y % 32 === 0 ? 118 : 134} ${y}" stroke="#9CA3AF" stroke-width="4"/>`).join(''),
  'Action Camera': (c) =>
    `<rect x="30" y="54" width="140" height="100" rx="14" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><rect x="44" y="40" width="34" height="16" rx="4" fill="${c.dark}"/>` +
    `<circle cx="116" cy="104" r="36" fill="${c.dark}"/><circle cx="116" cy="104" r="22" fill="#1F2937"/><circle cx="108" cy="96" r="6" fill="#fff"/>`,
  'Power Bank': (c) =>
    `<rect x="54" y="20" width="92" height="164" rx="16" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><rect x="86" y="12" width="28" height="10" rx="3" fill="${c.dark}"/>` +
    `<path d="M108 64 L86 108 L104 108 L92 148 L118 98 L100 98 Z" fill="${c.light}"/>` +
    [0, 1, 2, 3].map((i) => `<circle cx="${82 + i * 12}" cy="168" r="3.5" fill="${i < 3 ? c.light : c.dark}"/>`).join(''),
  Soundbar: (c) =>
    `<rect x="8" y="78" width="184" height="44" rx="20" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    Array.from({ length: 7 }, (_, i) => `<circle cx="${34 + i * 22}" cy="100" r="7" fill="${c.dark}"/>`).join('') +
    `<rect x="70" y="130" width="60" height="56" rx="8" fill="${c.dark}"/><circle cx="100" cy="158" r="16" fill="${c.light}"/>`,
  // computers
  Laptop: (c) =>
    `<rect x="40" y="40" width="120" height="86" rx="8" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/><rect x="50" y="50" width="100" height="66" rx="3" fill="${c.light}"/>` +
    `<path d="M16 136 L184 136 L170 160 L30 160 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>`,
  'Desktop PC': (c) =>
    `<rect x="12" y="40" width="120" height="86" rx="6" fill="${c.dark}"/><rect x="20" y="48" width="104" height="70" fill="${c.light}"/><path d="M60 126 L60 150 M40 152 L84 152" ${stroke(c.dark, 8)}/>` +
    `<rect x="142" y="44" width="48" height="120" rx="6" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/><circle cx="166" cy="64" r="6" fill="${c.light}"/>`,
  Monitor: (c) =>
    `<rect x="14" y="30" width="172" height="110" rx="8" fill="${c.dark}"/><rect x="22" y="38" width="156" height="92" fill="${c.light}"/>` +
    `<path d="M100 140 L100 170 M64 174 L136 174" ${stroke(c.main, 10)}/>`,
  'Mechanical Keyboard': (c) =>
    `<rect x="6" y="58" width="188" height="90" rx="10" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    Array.from(
      { length: 30 },
      (_, i) => `<rect x="${16 + (i % 10) * 17.6}" y="${68 + Math.floor(i / 10) * 18}" width="13" height="13" rx="2" fill="${c.light}"/>`,
    ).join('') +
    `<rect x="46" y="124" width="108" height="14" rx="2" fill="${c.light}"/>`,
  Tablet: (c) =>
    `<rect x="14" y="36" width="172" height="128" rx="14" fill="${c.dark}"/><rect x="26" y="48" width="148" height="104" rx="4" fill="${c.light}"/>` +
    `<circle cx="100" cy="100" r="24" fill="${c.main}"/>`,
  'Mini PC': (c) =>
    `<rect x="34" y="62" width="132" height="88" rx="16" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    `<path d="M34 126 L166 126" stroke="${c.dark}" stroke-width="3"/><circle cx="56" cy="138" r="5" fill="${c.light}"/><rect x="120" y="134" width="30" height="8" rx="2" fill="${c.dark}"/>`,
  // home & garden
  'Garden Hose': (c) =>
    `<circle cx="90" cy="100" r="66" ${stroke(c.main, 12)}/><circle cx="90" cy="100" r="46" ${stroke(c.main, 12)}/><circle cx="90" cy="100" r="26" fill="${c.dark}"/>` +
    `<path d="M150 130 L178 158" ${stroke(c.main, 12)}/><rect x="168" y="150" width="24" height="34" rx="4" fill="${c.dark}" transform="rotate(-45 180 167)"/>`,
  Planter: (c) =>
    `<path d="M100 104 L100 40" ${stroke('#2F7D32', 6)}/><ellipse cx="76" cy="66" rx="28" ry="13" transform="rotate(-30 76 66)" fill="#4CAF50"/><ellipse cx="124" cy="54" rx="28" ry="13" transform="rotate(30 124 54)" fill="#4CAF50"/>` +
    `<path d="M46 104 L154 104 L138 186 L62 186 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/><rect x="40" y="98" width="120" height="16" rx="4" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>`,
  'Throw Blanket': (c) =>
    `<rect x="22" y="56" width="156" height="104" rx="12" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/><path d="M22 100 Q100 90 178 100" ${stroke(c.dark, 3)}/>` +
    Array.from({ length: 12 }, (_, i) => `<path d="M${30 + i * 13} 160 L${30 + i * 13} 176" stroke="${c.dark}" stroke-width="3"/>`).join(''),
  'Table Lamp': (c) =>
    `<path d="M60 24 L140 24 L166 96 L34 96 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="3"/><path d="M100 96 L100 160" ${stroke(c.dark, 8)}/>` +
    `<ellipse cx="100" cy="170" rx="44" ry="14" fill="${c.dark}"/><path d="M124 96 L124 120" ${stroke(c.dark, 3)}/>`,
  'Herb Garden Kit': (c) =>
    [40, 100, 160]
      .map(
        (x) =>
          `<path d="M${x} 120 L${x} 70" ${stroke('#2F7D32', 5)}/><circle cx="${x - 12}" cy="80" r="10" fill="#4CAF50"/><circle cx="${x + 12}" cy="72" r="10" fill="#66BB6A"/><path d="M${x - 26} 120 L${x + 26} 120 L${x + 20} 170 L${x - 20} 170 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>`,
      )
      .join('') + `<rect x="8" y="168" width="184" height="14" rx="4" fill="${c.dark}"/>`,
  'Watering Can': (c) =>
    `<path d="M48 70 L130 70 L138 174 L40 174 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><path d="M130 120 L184 62" ${stroke(c.main, 12)}/>` +
    `<rect x="170" y="44" width="26" height="18" rx="4" fill="${c.dark}" transform="rotate(-45 183 53)"/><path d="M60 70 Q88 20 118 70" ${stroke(c.dark, 8)}/><path d="M48 100 Q30 120 42 150" ${stroke(c.dark, 8)}/>`,
  'Cushion Cover': (c) =>
    `<path d="M30 30 Q100 46 170 30 Q154 100 170 170 Q100 154 30 170 Q46 100 30 30 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="4" stroke-linejoin="round"/>` +
    `<path d="M44 44 Q100 58 156 44 Q142 100 156 156 Q100 142 44 156 Q58 100 44 44 Z" fill="none" stroke="${c.light}" stroke-width="3" stroke-dasharray="6 6"/>`,
  'Bird Feeder': (c) =>
    `<path d="M100 8 L100 40" ${stroke(c.dark, 4)}/><path d="M30 84 L100 36 L170 84 Z" fill="${c.dark}"/>` +
    `<rect x="50" y="84" width="100" height="80" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/><circle cx="100" cy="118" r="18" fill="#3B2A1A"/>` +
    `<path d="M100 146 L100 176 M70 164 L130 164" ${stroke(c.dark, 6)}/>`,
  // automotive
  'Dash Cam': (c) =>
    `<rect x="70" y="20" width="60" height="20" rx="6" fill="${c.dark}"/><path d="M100 40 L100 70" ${stroke(c.dark, 10)}/>` +
    `<rect x="34" y="70" width="132" height="86" rx="16" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><circle cx="100" cy="113" r="30" fill="${c.dark}"/><circle cx="100" cy="113" r="16" fill="#1F2937"/><circle cx="150" cy="86" r="5" fill="#E63946"/>`,
  'Car Vacuum': (c) =>
    `<path d="M20 120 L110 80 L110 130 L20 144 Z" fill="${c.dark}"/><rect x="100" y="60" width="70" height="84" rx="18" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    `<path d="M170 80 Q196 100 170 130" ${stroke(c.dark, 10)}/><rect x="116" y="76" width="38" height="22" rx="6" fill="${c.light}"/>`,
  'Seat Covers': (c) =>
    `<path d="M66 20 Q60 20 60 30 L56 120 L150 124 Q160 124 160 134 L160 170 L52 170 Q40 170 40 158 L44 30 Q44 20 54 20 Z" fill="${c.fill}" stroke="${c.dark}" stroke-width="4" stroke-linejoin="round"/>` +
    `<rect x="48" y="4" width="36" height="22" rx="8" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>`,
  'Tyre Inflator': (c) =>
    `<rect x="30" y="60" width="110" height="110" rx="14" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><circle cx="85" cy="105" r="28" fill="#fff" stroke="${c.dark}" stroke-width="4"/>` +
    `<path d="M85 105 L101 92" ${stroke(c.dark, 4)}/><path d="M140 120 Q190 120 176 60 L176 40" ${stroke('#1F2937', 8)}/>`,
  'Phone Mount': (c) =>
    `<rect x="66" y="30" width="68" height="124" rx="10" fill="#1F2937"/><rect x="72" y="40" width="56" height="100" rx="3" fill="${c.light}"/>` +
    `<path d="M56 60 L56 120 M144 60 L144 120" ${stroke(c.main, 12)}/><path d="M100 154 L100 180" ${stroke(c.dark, 10)}/><ellipse cx="100" cy="186" rx="30" ry="8" fill="${c.dark}"/>`,
  'Jump Starter': (c) =>
    `<rect x="50" y="40" width="100" height="120" rx="14" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><path d="M104 62 L84 102 L100 102 L90 138 L116 94 L100 94 Z" fill="${c.light}"/>` +
    `<path d="M60 160 Q40 186 20 176 M140 160 Q160 186 180 176" ${stroke('#1F2937', 6)}/><rect x="6" y="168" width="22" height="14" rx="3" fill="#E63946"/><rect x="172" y="168" width="22" height="14" rx="3" fill="#1F2937"/>`,
  // tools
  'Cordless Drill': (c) =>
    `<path d="M30 60 L140 60 L140 104 L100 104 L92 150 L60 150 L66 104 L30 104 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="4" stroke-linejoin="round"/>` +
    `<rect x="50" y="150" width="60" height="32" rx="6" fill="${c.dark}"/><path d="M140 82 L188 82" ${stroke('#6B7280', 8)}/>`,
  'Screwdriver Set': (c) =>
    [40, 100, 160]
      .map(
        (x, i) =>
          `<rect x="${x - 14}" y="30" width="28" height="70" rx="10" fill="${i === 1 ? c.main : c.light}" stroke="${c.dark}" stroke-width="3"/><path d="M${x} 100 L${x} 176" ${stroke('#6B7280', 7)}/>`,
      )
      .join(''),
  'Tool Box': (c) =>
    `<path d="M70 60 L70 36 L130 36 L130 60" ${stroke(c.dark, 8)}/><rect x="20" y="60" width="160" height="110" rx="8" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    `<path d="M20 96 L180 96" stroke="${c.dark}" stroke-width="4"/><rect x="88" y="88" width="24" height="18" rx="3" fill="${c.light}"/>`,
  'Tape Measure': (c) =>
    `<path d="M120 150 L192 150 L192 172 L120 172" fill="#F9C74F" stroke="#7A5C00" stroke-width="3"/>` +
    `<rect x="20" y="40" width="130" height="130" rx="30" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><circle cx="85" cy="105" r="30" fill="${c.light}"/>`,
  Hammer: (c) =>
    `<g transform="rotate(-30 100 100)"><rect x="90" y="60" width="20" height="130" rx="6" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    `<path d="M40 30 L140 30 Q170 30 176 50 L140 58 L40 58 Z" fill="#6B7280" stroke="#374151" stroke-width="3"/></g>`,
  'Socket Set': (c) =>
    `<rect x="14" y="50" width="172" height="110" rx="10" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    [0, 1, 2, 3, 4].map((i) => `<circle cx="${40 + i * 30}" cy="90" r="${8 + i * 1.5}" fill="#D1D5DB" stroke="#4B5563" stroke-width="3"/>`).join('') +
    `<path d="M40 130 L150 130" ${stroke('#9CA3AF', 10)}/>`,
  'Spirit Level': (c) =>
    `<rect x="6" y="80" width="188" height="44" rx="6" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    `<rect x="74" y="90" width="52" height="24" rx="12" fill="#D9F99D" stroke="${c.dark}" stroke-width="3"/><circle cx="100" cy="102" r="7" fill="#fff"/>`,
  // grocery
  'Coffee Beans': (c) =>
    `<path d="M48 40 L152 40 L160 186 L40 186 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><path d="M48 40 L60 24 L140 24 L152 40" fill="${c.dark}"/>` +
    `<ellipse cx="100" cy="116" rx="26" ry="36" fill="#4A2C17"/><path d="M100 84 Q88 116 100 148" ${stroke('#C08457', 4)}/>`,
  'Olive Oil': (c) =>
    `<rect x="88" y="14" width="24" height="20" rx="3" fill="${c.dark}"/><path d="M90 34 L110 34 L110 60 Q140 76 140 110 L140 180 Q140 188 132 188 L68 188 Q60 188 60 180 L60 110 Q60 76 90 60 Z" fill="#C9B84A" stroke="#6B6020" stroke-width="3"/>` +
    `<rect x="66" y="112" width="68" height="50" rx="4" fill="${c.light}"/><ellipse cx="100" cy="137" rx="12" ry="16" fill="#556B2F"/>`,
  'Dark Chocolate': (c) =>
    `<rect x="30" y="26" width="140" height="152" rx="6" fill="#4A2C17" stroke="#2B1A0D" stroke-width="4"/>` +
    Array.from(
      { length: 8 },
      (_, i) => `<rect x="${42 + (i % 2) * 60}" y="${38 + Math.floor(i / 2) * 26}" width="56" height="22" rx="3" fill="#5E3A20"/>`,
    ).join('') +
    `<path d="M30 120 L170 120 L170 178 L30 178 Z" fill="${c.main}"/><path d="M30 120 L60 134 L90 120 L120 134 L150 120 L170 130" fill="none" stroke="${c.light}" stroke-width="3"/>`,
  'Green Tea': (c) =>
    `<path d="M36 80 L150 80 L140 160 Q136 176 120 176 L66 176 Q50 176 46 160 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><path d="M148 96 Q180 100 172 128 Q166 146 144 140" ${stroke(c.dark, 7)}/>` +
    `<path d="M70 60 Q60 40 74 24 M100 60 Q90 40 104 24" ${stroke('#9CA3AF', 4)}/><path d="M72 128 Q80 96 118 100 Q112 136 72 128 Z" fill="#6BAA4B"/>`,
  Honey: (c) =>
    `<rect x="56" y="40" width="88" height="22" rx="4" fill="${c.main}" stroke="${c.dark}" stroke-width="3"/>` +
    `<path d="M50 62 L150 62 Q164 62 164 80 L164 170 Q164 186 148 186 L52 186 Q36 186 36 170 L36 80 Q36 62 50 62 Z" fill="#F4A300" stroke="#9A5B00" stroke-width="4"/>` +
    `<path d="M74 112 L88 104 L102 112 L102 128 L88 136 L74 128 Z M102 112 L116 104 L130 112 L130 128 L116 136 L102 128 Z" fill="#FFD166" stroke="#9A5B00" stroke-width="2"/>`,
  Granola: (c) =>
    `<path d="M20 96 L180 96 Q176 170 100 176 Q24 170 20 96 Z" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/>` +
    [30, 52, 74, 96, 118, 140, 162]
      .map((x, i) => `<circle cx="${x + 6}" cy="${86 + (i % 2) * 6}" r="10" fill="${i % 3 === 0 ? '#8C5A2B' : '#D4A056'}"/>`)
      .join(''),
  Pasta: (c) =>
    `<rect x="44" y="20" width="112" height="166" rx="8" fill="${c.main}" stroke="${c.dark}" stroke-width="4"/><rect x="62" y="64" width="76" height="90" rx="36" fill="#FFF8E1"/>` +
    [0, 1, 2, 3, 4].map((i) => `<path d="M${74 + i * 13} 70 L${74 + i * 13} 148" stroke="#E9C46A" stroke-width="5"/>`).join(''),
};

/** What a product of a category not named by any kind is drawn as. */
const CATEGORY_DRAWINGS: Record<Category, Draw> = {
  clothing: DRAWINGS['T-Shirt']!,
  shoes: DRAWINGS['Sneakers']!,
  handbags: DRAWINGS['Tote Bag']!,
  accessories: DRAWINGS['Wristwatch']!,
  books: DRAWINGS['Novel']!,
  movies: DRAWINGS['Box Set']!,
  games: DRAWINGS['Board Game']!,
  electronics: DRAWINGS['Wireless Headphones']!,
  computers: DRAWINGS['Laptop']!,
  'home&garden': DRAWINGS['Planter']!,
  automotive: DRAWINGS['Car Vacuum']!,
  tools: DRAWINGS['Tool Box']!,
  grocery: DRAWINGS['Granola']!,
};

/**
 * The kind of item a product title names: the catalogue kind the title ends with ("Orla Slim-Fit
 * T-Shirt" -> "T-Shirt"), else the kind whose last word the title contains; null if none does.
 */
export function productKind(title: string, category: Category): string | null {
  const kinds = CATALOG[category].kinds;
  const lower = title.toLowerCase();
  const ending = kinds.filter((k) => lower.endsWith(k.toLowerCase())).sort((a, b) => b.length - a.length)[0];
  if (ending) return ending;
  const words = new Set(lower.split(/[^a-z-]+/));
  return kinds.find((k) => words.has(k.toLowerCase().split(' ').at(-1)!)) ?? null;
}

/** Main colours: saturated enough to read on a light background. */
const COLOURS = ['#2F5BEA', '#D62828', '#2A9D8F', '#E76F51', '#6D597A', '#264653', '#F4A261', '#588157', '#B5179E', '#8D6E63', '#1D3557', '#E9C46A'];
const BACKGROUNDS = ['#F1F5F9', '#FDF2E9', '#ECFDF5', '#EFF6FF', '#FAF5FF', '#FEFCE8', '#FFF1F2', '#F0FDFA'];
const PATTERNS = ['plain', 'stripes', 'dots', 'checks'] as const;
/** Kinds of fabric and leather, which may carry a pattern; hard goods stay plain. */
const PATTERNED_CATEGORIES: readonly Category[] = ['clothing', 'shoes', 'handbags', 'accessories', 'home&garden', 'automotive'];

/** Lightens (amount > 0) or darkens a #RRGGBB colour towards white or black. */
function shade(hex: string, amount: number): string {
  const target = amount > 0 ? 255 : 0;
  return `#${[1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16))
    .map((c) =>
      Math.round(c + (target - c) * Math.abs(amount))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')
    .toUpperCase()}`;
}

function patternDef(pattern: (typeof PATTERNS)[number], main: string, dark: string, light: string): string {
  const open = `<pattern id="fabric" width="16" height="16" patternUnits="userSpaceOnUse"><rect width="16" height="16" fill="${main}"/>`;
  if (pattern === 'stripes') return `${open}<rect width="16" height="5" fill="${light}"/></pattern>`;
  if (pattern === 'dots') return `${open}<circle cx="8" cy="8" r="2.5" fill="${light}"/></pattern>`;
  return `${open}<rect width="8" height="8" fill="${dark}" opacity="0.35"/><rect x="8" y="8" width="8" height="8" fill="${dark}" opacity="0.35"/></pattern>`;
}

/** The product's look: colour, background and pattern, picked from its id. */
function looksOf(product: Product): { colours: Colours; background: string; defs: string } {
  const h = fnv1a(product.id);
  const main = COLOURS[h % COLOURS.length]!;
  const dark = shade(main, -0.45);
  const light = shade(main, 0.7);
  const background = BACKGROUNDS[(h >>> 8) % BACKGROUNDS.length]!;
  const pattern = PATTERNED_CATEGORIES.includes(product.category) ? PATTERNS[(h >>> 16) % PATTERNS.length]! : 'plain';
  const defs = pattern === 'plain' ? '' : `<defs>${patternDef(pattern, main, dark, light)}</defs>`;
  return { colours: { fill: pattern === 'plain' ? main : 'url(#fabric)', main, dark, light }, background, defs };
}

export function renderProductSvg(product: Product): string {
  const kind = productKind(product.title, product.category);
  const draw = (kind && DRAWINGS[kind]) || CATEGORY_DRAWINGS[product.category];
  const { colours, background, defs } = looksOf(product);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">` +
    defs +
    `<rect width="400" height="400" fill="${background}"/>` +
    `<ellipse cx="200" cy="352" rx="130" ry="14" fill="#000" opacity="0.07"/>` +
    `<g transform="translate(60 50) scale(1.4)">${draw(colours)}</g>` +
    `</svg>\n`
  );
}
