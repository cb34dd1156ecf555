/**
 * Reads a request body with a size cap and a deadline, whether its length was declared or it came
 * chunked. A body over the cap is still read to its end (adapter-node stops that at BODY_SIZE_LIMIT)
 * but not kept: cutting the upload short would reset the connection before the client reads the
 * 413. A body still arriving at the deadline is a slow client holding a socket: 408.
 */
import { DeadlineError, withinDeadline } from '$shared/lib/deadline';

export type BodyResult = { ok: true; text: string } | { ok: false; status: 400 | 408 | 413; message: string };

export async function readBody(request: Request, maxBytes: number, timeoutMs: number): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  const tooBig = (bytes: number | string): BodyResult => ({ ok: false, status: 413, message: `body of ${bytes} bytes exceeds ${maxBytes}` });
  if (!request.body) return { ok: true, text: '' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const readAll = async (): Promise<BodyResult | null> => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return null;
        size += value.byteLength;
        if (size <= maxBytes) chunks.push(value);
      }
    } catch (err) {
      // adapter-node ends a body over BODY_SIZE_LIMIT (or over its declared length) with a 413 error.
      if ((err as { status?: number }).status === 413) return tooBig(declared > maxBytes ? declared : `more than ${size}`);
      return { ok: false, status: 400, message: `body not read: ${(err as Error).message}` };
    }
  };
  // Cancelling the read would destroy the socket before the 408 is sent: the server's own
  // request timeout closes the connection after the answer instead.
  const failed = await withinDeadline(readAll(), timeoutMs, `body not complete within ${timeoutMs / 1000} s`).catch((err: unknown): BodyResult => {
    if (err instanceof DeadlineError) return { ok: false, status: 408, message: err.message };
    throw err;
  });
  if (failed) return failed;
  if (size > maxBytes) return tooBig(size);
  return { ok: true, text: new TextDecoder().decode(Buffer.concat(chunks)) };
}
