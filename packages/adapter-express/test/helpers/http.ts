/** What a test needs of an HTTP answer. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

/** fetch with the exact bytes given (supertest would re-serialise a Buffer sent as JSON). */
export async function httpSend(url: string, init: { method: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<HttpAnswer> {
  const res = await fetch(url, { method: init.method, headers: init.headers, body: init.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}
