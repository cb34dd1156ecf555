/**
 * A flat SVG illustration per product: a background colour and a glyph per category, and a
 * panel with the category and the title. Pure string building, so images are reproducible.
 */
import type { Category, Product } from '../schema';

interface Palette {
  background: string;
  accent: string;
}

const PALETTES: Record<Category, Palette> = {
  clothing: { background: '#F4A261', accent: '#9C4A12' },
  shoes: { background: '#E76F51', accent: '#7A2514' },
  handbags: { background: '#C08497', accent: '#6B2D45' },
  accessories: { background: '#B8A1E3', accent: '#4B2E83' },
  books: { background: '#8AB17D', accent: '#2F5233' },
  movies: { background: '#4A4E69', accent: '#22223B' },
  games: { background: '#2A9D8F', accent: '#11443E' },
  electronics: { background: '#457B9D', accent: '#1D3557' },
  computers: { background: '#5C677D', accent: '#212529' },
  'home&garden': { background: '#90BE6D', accent: '#3A5A24' },
  automotive: { background: '#E63946', accent: '#6A040F' },
  tools: { background: '#F9C74F', accent: '#7A5C00' },
  grocery: { background: '#F28482', accent: '#84312F' },
};

/** Each glyph is drawn in a 200 x 200 box, in white with details in the accent colour `a`. */
const GLYPHS: Record<Category, (a: string) => string> = {
  clothing: (a) =>
    `<path d="M72 28 L30 48 L8 92 L44 108 L56 88 L56 182 L144 182 L144 88 L156 108 L192 92 L170 48 L128 28 C120 46 80 46 72 28 Z" fill="#fff"/>` +
    `<path d="M80 32 C88 44 112 44 120 32" fill="none" stroke="${a}" stroke-width="5"/>`,
  shoes: (a) =>
    `<path d="M14 150 L14 96 C14 86 22 80 32 82 L64 88 C76 108 100 114 124 116 C160 120 186 130 188 150 Z" fill="#fff"/>` +
    `<rect x="10" y="148" width="182" height="18" rx="8" fill="${a}"/>` +
    `<path d="M70 98 L84 92 M80 104 L94 98 M90 110 L104 104" stroke="${a}" stroke-width="5" stroke-linecap="round"/>`,
  handbags: (a) =>
    `<path d="M64 80 C64 30 136 30 136 80" fill="none" stroke="#fff" stroke-width="12" stroke-linecap="round"/>` +
    `<path d="M30 80 L170 80 L184 180 L16 180 Z" fill="#fff"/>` +
    `<rect x="88" y="98" width="24" height="16" rx="4" fill="${a}"/>`,
  accessories: (a) =>
    `<rect x="78" y="10" width="44" height="180" rx="10" fill="#fff" opacity="0.8"/>` +
    `<circle cx="100" cy="100" r="52" fill="#fff"/><circle cx="100" cy="100" r="40" fill="${a}"/>` +
    `<path d="M100 100 L100 72 M100 100 L120 110" stroke="#fff" stroke-width="6" stroke-linecap="round"/>`,
  books: (a) =>
    `<rect x="30" y="140" width="140" height="36" rx="4" fill="#fff"/>` +
    `<rect x="44" y="100" width="120" height="36" rx="4" fill="${a}"/>` +
    `<rect x="36" y="60" width="130" height="36" rx="4" fill="#fff"/>` +
    `<path d="M52 78 L140 78 M58 158 L150 158" stroke="${a}" stroke-width="4"/>` +
    `<path d="M60 118 L148 118" stroke="#fff" stroke-width="4"/>`,
  movies: (a) =>
    `<rect x="24" y="80" width="152" height="100" rx="8" fill="#fff"/>` +
    `<rect x="24" y="80" width="152" height="20" fill="${a}"/>` +
    `<path d="M24 46 L172 22 L176 50 L28 74 Z" fill="#fff"/>` +
    `<path d="M54 66 L64 42 M90 60 L100 36 M126 54 L136 30" stroke="${a}" stroke-width="10"/>`,
  games: (a) =>
    `<path d="M50 70 L150 70 C178 70 194 100 194 130 C194 160 176 172 160 160 L136 138 L64 138 L40 160 C24 172 6 160 6 130 C6 100 22 70 50 70 Z" fill="#fff"/>` +
    `<path d="M44 104 L44 132 M30 118 L58 118" stroke="${a}" stroke-width="10" stroke-linecap="round"/>` +
    `<circle cx="142" cy="108" r="8" fill="${a}"/><circle cx="160" cy="126" r="8" fill="${a}"/>`,
  electronics: (a) =>
    `<path d="M36 120 L36 100 C36 56 66 30 100 30 C134 30 164 56 164 100 L164 120" fill="none" stroke="#fff" stroke-width="14"/>` +
    `<rect x="20" y="110" width="40" height="66" rx="14" fill="#fff"/><rect x="140" y="110" width="40" height="66" rx="14" fill="#fff"/>` +
    `<rect x="30" y="122" width="20" height="42" rx="8" fill="${a}"/><rect x="150" y="122" width="20" height="42" rx="8" fill="${a}"/>`,
  computers: (a) =>
    `<rect x="40" y="40" width="120" height="86" rx="8" fill="#fff"/>` +
    `<rect x="50" y="50" width="100" height="66" rx="3" fill="${a}"/>` +
    `<path d="M16 136 L184 136 L170 160 L30 160 Z" fill="#fff"/>`,
  'home&garden': (a) =>
    `<path d="M100 120 L100 50" stroke="#fff" stroke-width="6"/>` +
    `<ellipse cx="76" cy="76" rx="28" ry="14" transform="rotate(-30 76 76)" fill="#fff"/>` +
    `<ellipse cx="124" cy="62" rx="28" ry="14" transform="rotate(30 124 62)" fill="#fff"/>` +
    `<path d="M58 120 L142 120 L130 184 L70 184 Z" fill="${a}"/>` +
    `<rect x="52" y="114" width="96" height="16" rx="4" fill="#fff"/>`,
  automotive: (a) =>
    `<path d="M14 140 L14 116 C14 106 22 102 32 100 L52 96 L74 64 C78 58 84 56 92 56 L130 56 C138 56 144 60 148 66 L166 96 L176 100 C184 104 188 110 188 118 L188 140 Z" fill="#fff"/>` +
    `<path d="M66 96 L82 70 L104 70 L104 96 Z M114 96 L114 70 L136 70 L150 96 Z" fill="${a}"/>` +
    `<circle cx="54" cy="142" r="20" fill="${a}"/><circle cx="54" cy="142" r="8" fill="#fff"/>` +
    `<circle cx="148" cy="142" r="20" fill="${a}"/><circle cx="148" cy="142" r="8" fill="#fff"/>`,
  tools: (a) =>
    `<g transform="rotate(-20 100 100)">` +
    `<rect x="90" y="70" width="20" height="120" rx="6" fill="#fff"/>` +
    `<path d="M30 40 L150 40 C166 40 176 52 176 66 L176 74 L30 74 Z" fill="#fff"/>` +
    `<rect x="86" y="36" width="28" height="44" rx="4" fill="${a}"/></g>`,
  grocery: (a) =>
    `<path d="M100 62 C76 44 30 52 30 104 C30 150 62 186 84 184 C92 183 96 178 100 178 C104 178 108 183 116 184 C138 186 170 150 170 104 C170 52 124 44 100 62 Z" fill="#fff"/>` +
    `<path d="M100 62 C100 46 104 34 112 24" fill="none" stroke="${a}" stroke-width="6" stroke-linecap="round"/>` +
    `<ellipse cx="128" cy="38" rx="18" ry="9" transform="rotate(-25 128 38)" fill="${a}"/>`,
};

const TITLE_LINE_CHARS = 24;
const TITLE_MAX_LINES = 3;
const TITLE_LINE_HEIGHT = 27;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Greedy word wrap; a title too long for the panel ends in an ellipsis. */
export function wrapTitle(title: string, lineChars = TITLE_LINE_CHARS, maxLines = TITLE_MAX_LINES): string[] {
  const lines: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= lineChars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${kept[maxLines - 1]!.slice(0, lineChars - 1)}…`;
  return kept;
}

/** Lightens (amount > 0) or darkens a #RRGGBB colour towards white or black. */
function shade(hex: string, amount: number): string {
  const target = amount > 0 ? 255 : 0;
  return `#${[1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16))
    .map((c) => Math.round(c + (target - c) * Math.abs(amount)).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}`;
}

/** Products of one category share a glyph; a shade picked from the id tells them apart. */
function backgroundOf(product: Product): string {
  const charSum = [...product.id].reduce((sum, c) => sum + c.charCodeAt(0), 0);
  return shade(PALETTES[product.category].background, ((charSum % 5) - 2) * 0.07);
}

export function renderProductSvg(product: Product): string {
  const { accent } = PALETTES[product.category];
  const lines = wrapTitle(product.title);
  // Fewer lines sit lower, so the text block stays centred in the panel.
  const firstBaseline = 324 + ((TITLE_MAX_LINES - lines.length) * TITLE_LINE_HEIGHT) / 2;
  const titleLines = lines
    .map((line, i) => `<text x="200" y="${firstBaseline + i * TITLE_LINE_HEIGHT}" font-size="22" font-weight="600" fill="#1F2937">${escapeXml(line)}</text>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="${escapeXml(product.title)}">` +
    `<title>${escapeXml(product.title)}</title>` +
    `<rect width="400" height="400" fill="${backgroundOf(product)}"/>` +
    `<circle cx="200" cy="138" r="116" fill="#fff" opacity="0.18"/>` +
    `<g transform="translate(100 38)">${GLYPHS[product.category](accent)}</g>` +
    `<rect y="268" width="400" height="132" fill="#fff" opacity="0.92"/>` +
    `<g font-family="Helvetica, Arial, sans-serif" text-anchor="middle">` +
    `<text x="200" y="294" font-size="13" letter-spacing="2" fill="${accent}">${escapeXml(product.category.toUpperCase())}</text>` +
    titleLines +
    `</g></svg>\n`
  );
}
