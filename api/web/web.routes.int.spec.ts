// The web routes on a real listening API (embedded log, real PostgreSQL): pages served with
// their security headers, the settings with the configured keymap, and the development-only
// demo tokens — off by default, refused beside a real secret, and when on, tokens the API accepts.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Ledger } from '../../platform/open-ledger.ts';
import { openTestApi, type TestApi } from '../../test/support/api-harness.ts';
import { startApi } from '../server.ts';

function withWeb(ledger: Ledger, web: Partial<Ledger['config']['api']['web']>, jwtSecret?: string): Ledger {
  return { ...ledger, config: { ...ledger.config, api: { ...ledger.config.api, jwtSecret, web: { ...ledger.config.api.web, ...web } } } };
}

describe('web routes (int, embedded log)', function () {
  this.timeout(60_000);
  const pagesDir = mkdtempSync(join(tmpdir(), 'web-pages-'));
  const keymapFile = join(mkdtempSync(join(tmpdir(), 'web-keymap-')), 'keymap.json');
  writeFileSync(keymapFile, JSON.stringify({ bindings: [{ key: 'F3', action: 'ready' }, { key: 'Ctrl+F4', action: 'not-ready', reasonCode: 'lunch' }] }));

  describe('in the default (production) mode', () => {
    let t: TestApi;
    before(async () => {
      t = await openTestApi({ configOverrides: { LEDGER_WEB_DIR: pagesDir, LEDGER_WEB_KEYMAP: keymapFile } });
    });
    after(async () => t?.close());

    it('says where to build the pages when they are not built', async () => {
      const res = await fetch(`${t.api.url}/web/`);
      expect(res.status).to.equal(404);
      expect(((await res.json()) as { detail: string }).detail).to.include('npm run web:build');
    });
    it('serves built pages with a strict Content-Security-Policy, no framing, no referrer', async () => {
      writeFileSync(join(pagesDir, 'index.html'), '<!doctype html><title>pages</title>');
      const res = await fetch(`${t.api.url}/web/`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.include('<title>pages</title>');
      expect(res.headers.get('content-security-policy')).to.include("default-src 'none'").and.include("script-src 'self'").and.include("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(res.headers.get('referrer-policy')).to.equal('no-referrer');
    });
    it('serves the configured keymap and says demo tokens are off', async () => {
      const res = await fetch(`${t.api.url}/web/settings`);
      expect(await res.json()).to.deep.equal({ keymap: { bindings: [{ key: 'F3', action: 'ready' }, { key: 'Ctrl+F4', action: 'not-ready', reasonCode: 'lunch' }] }, demoTokens: false });
    });
    it('issues no demo token', async () => {
      const res = await fetch(`${t.api.url}/web/demo-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'supervisor' }) });
      expect(res.status).to.equal(404);
      expect(res.headers.get('content-type')).to.include('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).to.include('LEDGER_WEB_DEMO_TOKENS');
    });
    it('refuses to start demo tokens beside a real JWT secret, and a keymap that is wrong', async () => {
      const error = await startApi(withWeb(t.ledger, { demoTokens: true }, 'a-real-secret-of-the-bank-0123456789abcdef'), { port: 0 }).then(() => null, (e: unknown) => e as Error);
      expect(error?.message).to.include('LEDGER_WEB_DEMO_TOKENS=on is for development only');
      const badKeymap = join(mkdtempSync(join(tmpdir(), 'web-keymap-')), 'keymap.json');
      writeFileSync(badKeymap, JSON.stringify({ bindings: [{ key: 'F1', action: 'fly' }] }));
      const keymapError = await startApi(withWeb(t.ledger, { keymapFile: badKeymap }, 'a-real-secret-of-the-bank-0123456789abcdef'), { port: 0 }).then(() => null, (e: unknown) => e as Error);
      expect(keymapError?.message).to.equal('keymap bindings.0.action: must be one of ready, not-ready, answer, decline, hold, transfer, hangup, wrap-up, logout [enum]');
    });
  });

  describe('in the development mode (LEDGER_WEB_DEMO_TOKENS=on, no LEDGER_API_JWT_SECRET)', () => {
    let t: TestApi;
    before(async () => {
      t = await openTestApi({ configOverrides: { LEDGER_WEB_DIR: pagesDir, LEDGER_WEB_DEMO_TOKENS: 'on', LEDGER_API_JWT_SECRET: '' } });
    });
    after(async () => t?.close());
    const ask = (body: unknown) => fetch(`${t.api.url}/web/demo-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('says so in the settings, with the default keymap', async () => {
      const settings = (await (await fetch(`${t.api.url}/web/settings`)).json()) as { demoTokens: boolean; keymap: { bindings: { key: string }[] } };
      expect(settings.demoTokens).to.equal(true);
      expect(settings.keymap.bindings.map((b) => b.key)).to.deep.equal(['F1', 'F2', 'F5', 'F8', 'F9']);
    });
    it('issues a one-hour agent token that the agent routes accept, and only for that agent', async () => {
      const res = await ask({ role: 'agent', agentId: 'A-demo-7' });
      expect(res.status).to.equal(201);
      const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: number };
      expect(expiresAt - Date.now()).to.be.within(3_500_000, 3_600_000);
      const me = await fetch(`${t.api.url}/v1/agents/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).to.equal(200);
      expect(((await me.json()) as { agent: { agentId: string } }).agent.agentId).to.equal('A-demo-7');
      const wallboard = await fetch(`${t.api.url}/v1/wallboard/queues`, { headers: { authorization: `Bearer ${token}` } });
      expect(wallboard.status).to.equal(403);
    });
    it('issues ingest tokens for the caller page with their source', async () => {
      const { token } = (await (await ask({ role: 'ingest', source: 'caller-page' })).json()) as { token: string };
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(claims).to.include({ role: 'ingest', source: 'caller-page', sub: 'demo:ingest:caller-page' });
    });
    it('names the field and the rule of a bad request', async () => {
      const ops = await ask({ role: 'ops' });
      expect(ops.status).to.equal(422);
      expect(((await ops.json()) as { errors: unknown[] }).errors).to.deep.include({ field: 'role', rule: 'enum', message: 'must be equal to one of the allowed values' });
      const agent = await ask({ role: 'agent' });
      expect(agent.status).to.equal(422);
      expect(((await agent.json()) as { errors: unknown[] }).errors).to.deep.equal([{ field: 'agentId', rule: 'required', message: 'is required for the agent role' }]);
    });
  });
});
