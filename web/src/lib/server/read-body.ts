/**
 * Reads a request body with a size cap, whether its length was declared or it came chunked.
 * A body over the cap is still read to its end (adapter-node stops that at BODY_SIZE_LIMIT) but not
 * kept: cutting the upload short would reset the connection before the client reads the 413.
 */
export type BodyResult = { ok: true; text: string } | { ok: false; status: 400 | 413; message: string };

export async function readBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  const tooBig = (bytes: number | string): BodyResult => ({ ok: false, status: 413, message: `body of ${bytes} bytes exceeds ${maxBytes}` });
  if (!request.body) return { ok: true, text: '' };
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size <= maxBytes) chunks.push(chunk);
    }
  } catch (err) {
    // adapter-node ends a body over BODY_SIZE_LIMIT (or over its declared length) with a 413 error.
    if ((err as { status?: number }).status === 413) return tooBig(declared > maxBytes ? declared : `more than ${size}`);
    return { ok: false, status: 400, message: `body not read: ${(err as Error).message}` };
  }
  if (size > maxBytes) return tooBig(size);
  return { ok: true, text: new TextDecoder().decode(Buffer.concat(chunks)) };
}
