// Bearer tokens (JWT, HS256, verified with jose): `sub` is the user or service, `role` one of
// the roles below, `agentId` names the agent for the agent role, `source` the source system for
// the ingest role (rate limits are per source). Expired, forged or malformed tokens get 401; a
// valid token for the wrong role gets 403.
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { fail } from './problem.ts';

export const roles = ['agent', 'supervisor', 'analyst', 'compliance', 'ops', 'ingest'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  readonly subject: string;
  readonly role: Role;
  /** For the agent role: the agent this user is. */
  readonly agentId: string | null;
  /** For the ingest role: the source system (telephony, ivr, speech, biometrics...). */
  readonly source: string | null;
}

export interface TokenKeys {
  readonly secret: Uint8Array;
  readonly issuer: string;
  readonly audience: string;
}

export function tokenKeys(secret: string, issuer: string): TokenKeys {
  if (Buffer.byteLength(secret) < 32) throw new Error('LEDGER_API_JWT_SECRET must be at least 32 bytes');
  return { secret: new TextEncoder().encode(secret), issuer, audience: 'call-ledger-api' };
}

export interface TokenClaims {
  readonly subject: string;
  readonly role: Role;
  readonly agentId?: string;
  readonly source?: string;
  /** Lifetime, e.g. '8h' or seconds; default 8h. */
  readonly expiresIn?: string | number;
}

/** Issues a token (the CLI, tests and benchmarks use it; production tokens come from the bank's IdP with the same claims). */
export async function signToken(keys: TokenKeys, claims: TokenClaims, now: number = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const exp = typeof claims.expiresIn === 'number' ? iat + claims.expiresIn : claims.expiresIn ?? '8h';
  const jwt = new SignJWT({ role: claims.role, ...(claims.agentId ? { agentId: claims.agentId } : {}), ...(claims.source ? { source: claims.source } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.subject)
    .setIssuer(keys.issuer)
    .setAudience(keys.audience)
    .setIssuedAt(iat);
  jwt.setExpirationTime(exp);
  return jwt.sign(keys.secret);
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export async function verifyToken(keys: TokenKeys, token: string, now: () => number): Promise<Principal> {
  try {
    const { payload } = await jwtVerify(token, keys.secret, {
      issuer: keys.issuer, audience: keys.audience, algorithms: ['HS256'], currentDate: new Date(now()), requiredClaims: ['exp', 'sub'],
    });
    if (!isRole(payload.role)) fail('unauthenticated', 'The token carries no known role.');
    const agentId = typeof payload.agentId === 'string' ? payload.agentId : null;
    if (payload.role === 'agent' && !agentId) fail('unauthenticated', 'An agent token must carry agentId.');
    return { subject: payload.sub ?? '', role: payload.role, agentId, source: typeof payload.source === 'string' ? payload.source : null };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) fail('unauthenticated', 'The token has expired.', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="expired"' });
    if (error instanceof joseErrors.JOSEError) fail('unauthenticated', 'The token is not valid.', {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    throw error;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Verified tokens, so a busy ingest client does not pay an HMAC per request: the token string is
 * the key (any change to it misses), the principal is reused until the token's own `exp`.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; exp: number }>();
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  get(token: string, now: number): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.exp * 1000 <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, exp: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { principal, exp });
  }
}

function expOf(token: string): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
}

/** Authenticates the bearer token (header, or `access_token` query parameter for EventSource, which cannot set headers). */
export function authenticate(keys: TokenKeys, now: () => number): RequestHandler {
  const verified = new VerifiedTokens(10_000);
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const fromQuery = typeof req.query.access_token === 'string' && req.headers.accept?.includes('text/event-stream') ? req.query.access_token : undefined;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : fromQuery;
    if (!token) {
      next();
      return;
    }
    const cached = verified.get(token, now());
    if (cached) {
      req.principal = cached;
      next();
      return;
    }
    verifyToken(keys, token, now).then((principal) => {
      verified.set(token, principal, expOf(token));
      req.principal = principal;
      next();
    }, next);
  };
}

/** Allows the listed roles; 401 without a principal, 403 for any other role. */
export function allow(...allowed: Role[]): RequestHandler {
  return (req, _res, next) => {
    const principal = req.principal;
    if (!principal) fail('unauthenticated', 'Send Authorization: Bearer <token>.', {}, { 'WWW-Authenticate': 'Bearer' });
    if (!allowed.includes(principal.role)) fail('forbidden', `This route is for ${allowed.join(', ')}; the token's role is ${principal.role}.`);
    next();
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) fail('unauthenticated', 'Send Authorization: Bearer <token>.', {}, { 'WWW-Authenticate': 'Bearer' });
  return req.principal;
}
