/**
 * Prints the pipeline's topology (`lib/topology.ts`): as text for the current settings, `--mermaid`
 * its diagram, `--json` the raw data, `--markdown` the README's block (diagram and tables) for the
 * default settings, so the README does not depend on who generated it. An invalid setting exits 2.
 */
import { ConfigError, loadConfig } from '../lib/config';
import { topology, topologyMarkdown, topologyMermaid, topologyText } from '../lib/topology';

const mode = process.argv[2] ?? '--text';
try {
  if (mode === '--text') console.log(topologyText(topology(loadConfig())));
  else if (mode === '--mermaid') console.log(topologyMermaid(topology(loadConfig())));
  else if (mode === '--json') console.log(JSON.stringify(topology(loadConfig()), null, 2));
  else if (mode === '--markdown') console.log(topologyMarkdown(topology(loadConfig({}))));
  else {
    console.error('usage: tsx scripts/topology.ts [--text | --mermaid | --json | --markdown]');
    process.exit(2);
  }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}
