// RFC 9457 problem details: every error the API returns is application/problem+json with a
// type, title, status and detail, and (for bad input) errors naming the field and the rule.
import type { ErrorRequestHandler, Response } from 'express';

export interface FieldProblem {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldProblem[];
  readonly [extension: string]: unknown;
}

const base = 'https://call-ledger.example/problems/';

/** The problem types the API uses; `type` is base + slug, documented in docs/api.md. */
export const problemTypes = {
  validation: { slug: 'validation', title: 'The request is not valid', status: 422 },
  badRequest: { slug: 'bad-request', title: 'The request cannot be read', status: 400 },
  unauthenticated: { slug: 'unauthenticated', title: 'A valid bearer token is required', status: 401 },
  forbidden: { slug: 'forbidden', title: 'Not allowed for this role or subject', status: 403 },
  notFound: { slug: 'not-found', title: 'Not found', status: 404 },
  conflict: { slug: 'illegal-transition', title: 'The command is not allowed in the current state', status: 409 },
  inProgress: { slug: 'in-progress', title: 'The same event id is being appended by another request', status: 409 },
  tooLarge: { slug: 'too-large', title: 'The request body is too large', status: 413 },
  unsupportedMedia: { slug: 'unsupported-media-type', title: 'Send application/json', status: 415 },
  rateLimited: { slug: 'rate-limited', title: 'Too many events from this source', status: 429 },
  unavailable: { slug: 'unavailable', title: 'A dependency is unavailable', status: 503 },
  notImplemented: { slug: 'not-available-yet', title: 'The read model behind this route is not available yet', status: 501 },
  internal: { slug: 'internal', title: 'Internal error', status: 500 },
} as const;

export type ProblemKind = keyof typeof problemTypes;

export function problem(kind: ProblemKind, detail: string, extra: Record<string, unknown> = {}): Problem {
  const t = problemTypes[kind];
  return { type: base + t.slug, title: t.title, status: t.status, detail, ...extra };
}

/** Thrown by handlers and middleware; the error handler renders it. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;

  constructor(problemValue: Problem, headers: Record<string, string> = {}) {
    super(problemValue.detail);
    this.problem = problemValue;
    this.headers = headers;
  }
}

export function fail(kind: ProblemKind, detail: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): never {
  throw new ProblemError(problem(kind, detail, extra), headers);
}

export function sendProblem(res: Response, value: Problem, headers: Readonly<Record<string, string>> = {}): void {
  for (const [name, v] of Object.entries(headers)) res.setHeader(name, v);
  res.status(value.status).type('application/problem+json').send(JSON.stringify(value));
}

interface HttpishError {
  readonly status?: number;
  readonly statusCode?: number;
  readonly type?: string;
  readonly expose?: boolean;
}

/** Renders ProblemErrors, body-parser errors (413, 400) and anything else (500, detail hidden). */
export function problemHandler(onInternal: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof ProblemError) {
      sendProblem(res, error.problem, error.headers);
      return;
    }
    const http = (typeof error === 'object' && error !== null ? error : {}) as HttpishError;
    const status = http.status ?? http.statusCode;
    if (status === 413 || http.type === 'entity.too.large') {
      sendProblem(res, problem('tooLarge', 'The body exceeds the configured limit (LEDGER_API_BODY_LIMIT).'));
      return;
    }
    if (http.type === 'entity.parse.failed') {
      sendProblem(res, problem('badRequest', 'The body is not valid JSON.', { errors: [{ field: '(body)', rule: 'json', message: 'must be valid JSON' }] }));
      return;
    }
    if (status !== undefined && status >= 400 && status < 500) {
      sendProblem(res, { ...problem('badRequest', 'The request cannot be read.'), status });
      return;
    }
    onInternal(error);
    sendProblem(res, problem('internal', 'The server failed to handle the request; it has been logged.'));
  };
}
