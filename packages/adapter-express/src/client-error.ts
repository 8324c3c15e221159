import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProblemBody } from './problem';

// What Node's HTTP parser refuses before Express ever sees the request.
const PARSER_PROBLEMS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'Request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'The request took too long to arrive'],
};
const MALFORMED: [number, string, string] = [400, 'malformed_request', 'Malformed HTTP request'];

/** The raw HTTP answer for a request the parser refused: the same JSON problem body as every other refusal. */
export function clientErrorResponse(errorCode: string | undefined): string {
  const [status, code, message] = (errorCode && PARSER_PROBLEMS[errorCode]) || MALFORMED;
  const body = JSON.stringify({ error: { status, code, message } } satisfies ProblemBody);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Node answers a request its parser refuses (huge headers, broken framing) with a bare status
 * line and no body; this answers it with a JSON problem like every other refusal. As Node's own
 * handler does, nothing is written once a response on that connection has started.
 */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (error.code === 'ECONNRESET' || !socket.writable || started) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(error.code));
  });
}
