// The web pages (agent workstation, supervisor wallboard, caller page) as static files built by
// `npm run web:build`, their settings (keymap, whether demo tokens are on), and — only in the
// development mode LEDGER_WEB_DEMO_TOKENS=on — short-lived demo tokens for people on this
// machine. Pages carry a strict Content-Security-Policy: their own scripts only, no inline code,
// no framing, connections to this API only.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import { signToken, type Role, type TokenKeys } from '../http/auth.ts';
import { validateBody, type JsonSchema } from '../http/body-schema.ts';
import { fail } from '../http/problem.ts';
import type { Keymap } from './keymap.ts';

export interface WebParts {
  /** Folder of the built pages (the route explains how to build them when it holds none); null: no pages. */
  readonly pagesDir: string | null;
  readonly keymap: Keymap;
  /** Development mode: pages may ask for demo tokens (LEDGER_WEB_DEMO_TOKENS=on, never with a production secret). */
  readonly demoTokens: boolean;
  readonly tokenKeys: TokenKeys;
  readonly now: () => number;
}

/** Roles the pages sign in with: the agent's workstation, the wallboard and the caller page (which posts as the engines do). */
export const demoTokenRoles = ['agent', 'supervisor', 'ingest'] as const satisfies readonly Role[];
export const demoTokenLifetimeSeconds = 3600;

export const demoTokenSchema = {
  type: 'object', additionalProperties: false, required: ['role'],
  properties: {
    role: { enum: [...demoTokenRoles] },
    agentId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
    source: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
  },
} as const satisfies JsonSchema;

const pageHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** The peer is this machine: 127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6. Proxies are not trusted (no X-Forwarded-For). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function webRoutes(parts: WebParts): Router {
  const router = Router();
  router.get('/web/settings', (_req, res) => {
    res.set(pageHeaders).json({ keymap: parts.keymap, demoTokens: parts.demoTokens });
  });
  router.post('/web/demo-tokens', validateBody(demoTokenSchema), async (req, res) => {
    if (!parts.demoTokens) fail('notFound', 'Demo tokens are off (LEDGER_WEB_DEMO_TOKENS). Paste a token from the bank\'s identity provider.');
    if (!isLoopbackAddress(req.socket.remoteAddress)) fail('forbidden', 'Demo tokens are only issued to browsers on the machine the API runs on.');
    const body = req.body as { role: (typeof demoTokenRoles)[number]; agentId?: string; source?: string };
    if (body.role === 'agent' && !body.agentId) fail('validation', 'An agent token needs agentId.', { errors: [{ field: 'agentId', rule: 'required', message: 'is required for the agent role' }] });
    const name = body.role === 'agent' ? body.agentId : body.role === 'ingest' ? body.source ?? 'caller-page' : 'supervisor';
    const token = await signToken(parts.tokenKeys, {
      subject: `demo:${body.role}:${name}`, role: body.role, expiresIn: demoTokenLifetimeSeconds,
      ...(body.role === 'agent' ? { agentId: body.agentId } : {}), ...(body.role === 'ingest' ? { source: name } : {}),
    }, parts.now());
    res.status(201).json({ token, role: body.role, expiresAt: Math.floor(parts.now() / 1000) * 1000 + demoTokenLifetimeSeconds * 1000 });
  });
  const dir = parts.pagesDir;
  if (dir === null) return router;
  router.use('/web', express.static(dir, { index: 'index.html', extensions: ['html'], fallthrough: true, setHeaders: (res) => res.set(pageHeaders) }));
  router.use('/web', (_req, _res, next) => {
    if (!existsSync(join(dir, 'index.html'))) fail('notFound', `The web pages are not built in ${dir}: run npm run web:build (make run does).`);
    next();
  });
  return router;
}
