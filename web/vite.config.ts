import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The app imports the shared lib/ and clients/ folders of the repository root.
  server: { fs: { allow: ['..'] } },
});
