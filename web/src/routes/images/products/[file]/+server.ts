import { error, type RequestHandler } from '@sveltejs/kit';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { productImagesDir } from '$lib/server/catalogue';

/** The product pictures of DATA_DIR (the paths in products.json), and nothing else. */
export const GET: RequestHandler = async ({ params }) => {
  const file = params.file ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}\.svg$/.test(file)) error(404, 'no such image');
  const svg = await readFile(join(productImagesDir(), file)).catch(() => error(404, 'no such image'));
  return new Response(new Uint8Array(svg), {
    headers: {
      'content-type': 'image/svg+xml',
      'cache-control': 'public, max-age=3600',
      // An SVG opened on its own must not run anything.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
  });
};
