import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    // The repository root: the web app imports lib/ and clients/ as `$shared/lib/...`, never copies them.
    alias: { $shared: fileURLToPath(new URL('..', import.meta.url)) },
    // A second line of defence against injected markup: only the app's own scripts run.
    csp: {
      mode: 'auto',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        // No other site may frame the shop or dashboard (clickjacking the replay controls).
        'frame-ancestors': ['none'],
      },
    },
  },
};
