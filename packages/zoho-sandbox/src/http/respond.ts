/** A response the sandbox is about to write, and the error a handler throws to produce a Zoho error body. */
export interface SandboxResponse {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export function jsonResponse(status: number, body: unknown): SandboxResponse {
  return { status, body: JSON.stringify(body), contentType: 'application/json;charset=UTF-8' };
}

export function zohoErrorResponse(status: number, code: number, message: string): SandboxResponse {
  return jsonResponse(status, { code, message });
}

/** The HTML page a proxy in front of Zoho sends with a 5xx. */
export function htmlErrorResponse(status: number): SandboxResponse {
  const title = status === 502 ? '502 Bad Gateway' : status === 504 ? '504 Gateway Time-out' : `${status} Service Unavailable`;
  return {
    status,
    body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>ZGS</center>\r\n</body>\r\n</html>\r\n`,
    contentType: 'text/html',
  };
}

export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxHttpError';
  }

  toResponse(): SandboxResponse {
    return zohoErrorResponse(this.status, this.code, this.message);
  }
}

export const invalidValue = (param: string) => new SandboxHttpError(400, 2, `Invalid value passed for ${param}`);
export const notFound = (what: string) => new SandboxHttpError(404, 1002, `${what} does not exist.`);
