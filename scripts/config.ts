/**
 * Prints the configuration for other tools: `--shell` as `export NAME='value'` lines (the stack
 * scripts eval them, so the shell and TypeScript read one definition), `--markdown` as the
 * table of docs/configuration.md. An invalid setting exits 2 with a message naming it.
 */
import { ConfigError, describeSettings, resolvedSettings } from '../lib/config';

const mode = process.argv[2] ?? '--shell';
try {
  if (mode === '--shell') {
    for (const [name, value] of Object.entries(resolvedSettings())) {
      console.log(`export ${name}='${value.replaceAll("'", "'\\''")}'`);
    }
  } else if (mode === '--markdown') {
    console.log('| variable | default | meaning |\n| --- | --- | --- |');
    for (const s of describeSettings()) {
      console.log(`| \`${s.name}\` | ${s.fallback === null ? '(unset)' : `\`${s.fallback}\``} | ${s.doc} |`);
    }
  } else {
    console.error('usage: tsx scripts/config.ts [--shell | --markdown]');
    process.exit(2);
  }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}
