import type { Response } from 'express';

/** The body of every error answer: `{ "error": { "status", "code", "message" } }`. */
export interface ProblemBody {
  error: { status: number; code: string; message: string };
}

/** An error a route throws to answer with a given problem. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'HttpProblem';
    this.status = status;
    this.code = code;
  }
}

export function sendProblem(res: Response, status: number, code: string, message: string): void {
  // The request log line names the refusal (never its details).
  res.locals.problemCode = code;
  const body: ProblemBody = { error: { status, code, message } };
  res.status(status).json(body);
}
