/**
 * Formats of the id, address and agent fields a click request carries. They reach Kafka, Redis,
 * Temporal workflow ids and the dashboard, so only what such a value really looks like passes:
 * markup, quotes, template braces, paths and control characters never do.
 */

/** A visitor id: the shop's upper-case GUIDs, and the ids other front ends use (letters, digits, `-_.:`). */
export const isVisitorId = (v: string) => /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(v);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 address in dotted decimal, or an IPv6 address (checked by the URL parser, which knows every form). */
export function isIpAddress(v: string): boolean {
  if (IPV4.test(v)) return true;
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(v) || !v.includes(':')) return false;
  try {
    new URL(`http://[${v}]/`);
    return true;
  } catch {
    return false;
  }
}

// RFC 9110: User-Agent = product *( RWS ( product / comment ) ), product = token ["/" token];
// a comment is visible ASCII in parentheses, which may nest, with `\` escapes. Stricter than the RFC,
// a comment here holds no `<` or `>`: no agent needs markup, and a hostile one does not reach the dashboard.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PRODUCT = new RegExp(`^${TOKEN}(/${TOKEN})?`);

const visible = (c: string) => c === '\t' || (c >= ' ' && c <= '~' && c !== '<' && c !== '>');

/** Length of the comment that starts `text` (at a `(`), or 0 when it is not closed. */
function commentLength(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!visible(c)) return 0;
    if (c === '\\') {
      if (!visible(text[++i] ?? '\n')) return 0;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return 0;
}

/** A User-Agent header value as RFC 9110 defines it: what every browser, crawler and HTTP library sends. */
export function isUserAgent(v: string): boolean {
  let rest = v;
  let first = true;
  while (rest.length > 0) {
    if (!first) {
      const space = /^[ \t]+/.exec(rest);
      if (!space) return false;
      rest = rest.slice(space[0].length);
    }
    const length = !first && rest.startsWith('(') ? commentLength(rest) : (PRODUCT.exec(rest)?.[0].length ?? 0);
    if (length === 0) return false;
    rest = rest.slice(length);
    first = false;
  }
  return !first;
}
