import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { topology, topologyMarkdown } from '../../lib/topology';

describe('README topology block', () => {
  it('is what `npx tsx scripts/topology.ts --markdown` prints from lib/topology.ts, with the default settings', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const block = readme.split('<!-- topology:begin -->')[1]?.split('<!-- topology:end -->')[0] ?? '';
    expect(block.trim()).toEqual(topologyMarkdown(topology(loadConfig({}))));
  });
});
