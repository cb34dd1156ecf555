import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSettings } from '../../lib/config';

describe('docs/configuration.md settings table', () => {
  it('lists exactly the settings lib/config.ts defines, with their defaults', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const table = doc.split('<!-- settings:begin -->')[1]?.split('<!-- settings:end -->')[0] ?? '';
    const rows = [...table.matchAll(/^\| `(\w+)` \| (.+?) \|/gm)].map((m) => [m[1], m[2]]);
    const expected = describeSettings().map((s) => [s.name, s.fallback === null ? '(unset)' : `\`${s.fallback}\``]);
    expect(rows).toEqual(expected);
  });
});
