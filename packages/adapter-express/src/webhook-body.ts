import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problem';

/**
 * A compressed body is refused before it is read: Zoho signs the bytes it sends uncompressed, and
 * inflating untrusted input would let a small request become a large one.
 */
export function refuseEncodedBody(req: IncomingMessage): void {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    throw new HttpProblem(415, 'unsupported_encoding', `Unsupported content encoding ${JSON.stringify(encoding.slice(0, 32))}`);
  }
}

/**
 * The request body as it arrives, for the core to read (and verify) chunk by chunk; nothing is
 * held here. The core reads it to its end even when it refuses it, so the answer goes out on a
 * connection that is still in step. A client that goes away mid-body gets the answer body-parser gave.
 */
export async function* requestBody(req: IncomingMessage): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of req) yield chunk as Buffer;
  } catch {
    throw new HttpProblem(400, 'request_aborted', 'The request ended before its body did');
  }
}
