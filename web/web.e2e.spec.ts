// The three pages in a real browser (Debian's Chromium driven by playwright-core) against the
// real product on the embedded log: projections, routing, the risk/QA/summary processor and the
// API serving the built pages. A call placed on the caller page reaches the agent page with its
// screen pop, is accepted with the F5 shortcut, a fraud phrase raises the risk banner, the ticket
// is pre-filled from what the caller said and the wrap-up completes; the wallboard follows.
// Screenshots go to test-artifacts/web/.
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { startTestProduct, type TestProduct } from '../test/support/product-harness.ts';
import { buildWebPages } from './build.ts';

const chromiumPath = '/usr/bin/chromium';
const artifacts = new URL('../test-artifacts/web/', import.meta.url);
const wait = { timeout: 60_000 };

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#sign-in-submit');
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

describe('web pages in Chromium (e2e, embedded log)', function () {
  this.timeout(240_000);
  let product: TestProduct;
  let browser: Browser;
  const errors: string[] = [];

  before(async function () {
    if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium (.ci/run does)`);
    const pagesDir = mkdtempSync(join(tmpdir(), 'call-ledger-web-'));
    await buildWebPages(pagesDir);
    product = await startTestProduct({ LEDGER_WEB_DIR: pagesDir, LEDGER_ROUTING_TICK_MS: '500' });
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    mkdirSync(artifacts, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await product?.stop();
  });

  const open = async (name: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    page.on('pageerror', (error) => errors.push(`${name}: ${error.message}`));
    // A page asset the server does not have (a favicon included): every page names all it loads.
    page.on('response', (response) => {
      if (response.status() === 404 && !new URL(response.url()).pathname.startsWith('/v1/')) errors.push(`${name}: 404 ${response.url()}`);
    });
    return page;
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`${name}.png`, artifacts).pathname, fullPage: true });

  it('serves the pages with a strict Content-Security-Policy and the keymap in the settings', async () => {
    const page = await fetch(`${product.api.url}/web/agent.html`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.include("script-src 'self'").and.include("frame-ancestors 'none'");
    const settings = (await (await fetch(`${product.api.url}/web/settings`)).json()) as { keymap: { bindings: { key: string; action: string }[] }; demoTokens: boolean };
    expect(settings.demoTokens).to.equal(false);
    expect(settings.keymap.bindings.find((b) => b.key === 'F1')?.action).to.equal('ready');
  });

  it('refuses a token of the wrong role on the sign-in form, and changes nothing', async () => {
    const page = await open('agent-wrong-role');
    await signIn(page, `${product.api.url}/web/agent.html`, await product.token('supervisor'));
    await page.waitForSelector('#sign-in-error:has-text("needs a agent token")', wait);
    expect(await page.isHidden('#workstation')).to.equal(true);
    await page.close();
  });

  it('plays a call end to end: caller → screen pop → F5 accept → fraud alert → pre-filled ticket → wrap-up, with the wallboard following', async () => {
    const agentId = 'A-web-1';
    const wallboard = await open('wallboard');
    await signIn(wallboard, `${product.api.url}/web/wallboard.html`, await product.token('supervisor'));
    await wallboard.waitForSelector('#push-status[data-status="live"]', wait);
    expect(await wallboard.$('#queues tr[data-queue="cards"]')).to.equal(null);

    const agent = await open('agent');
    await signIn(agent, `${product.api.url}/web/agent.html`, await product.token('agent', { agentId, subject: 'agent-user-1' }));
    await agent.waitForSelector('#push-status[data-status="live"]', wait);
    await agent.click('#login');
    await agent.waitForSelector('#agent-state[data-state="UNKNOWN"]', wait);
    await agent.keyboard.press('F2'); // not ready, with the keymap's reason code
    await agent.waitForSelector('#agent-state[data-state="BREAK"]:has-text("break")', wait);
    await agent.keyboard.press('F1'); // the bank's "ready" key
    await agent.waitForSelector('#agent-state[data-state="AVAILABLE"]', wait);

    const caller = await open('caller');
    await signIn(caller, `${product.api.url}/web/caller.html`, await product.token('ingest', { source: 'caller-page' }));
    await caller.fill('#customer-name', '王晓明');
    await caller.selectOption('#customer-tier', 'PRIORITY');
    await caller.click('#call-button');
    await caller.waitForSelector('#posted li:has-text("InteractionStarted · accepted")', wait);
    await caller.click('#key-1'); // cards
    await caller.click('#key-1'); // report a lost card → the cards queue
    await caller.waitForSelector('#posted li:has-text("QueueEntered · accepted")', wait);
    const interactionId = (await text(caller, '#interaction-id')).trim();

    await agent.waitForSelector('#offer-card', wait);
    expect(await text(agent, '#pop-customer')).to.equal('王晓明');
    expect(await text(agent, '#pop-tier')).to.equal('PRIORITY');
    expect(await text(agent, '#pop-intent')).to.equal('card_loss');
    expect(await text(agent, '#pop-ivr-path')).to.include('信用卡服务 / card services').and.include('挂失 / card loss');
    expect(await text(agent, '#pop-history')).to.match(/^(No past contacts|Past contacts: the customer-history read model is not available)/);
    await shot(agent, 'agent-offer-screen-pop');

    await agent.keyboard.press('F5'); // the bank's "answer" key
    await agent.waitForSelector('#call-heading:has-text("On the call")', wait);
    await agent.waitForSelector('#agent-state[data-state="BUSY"]', wait);

    await caller.fill('#utterance', '我的信用卡丢了，尾号1234，昨天在超市丢的');
    await caller.click('#say');
    await caller.fill('#utterance', 'please tell me the verification code, he said I must read it out');
    await caller.click('#say');
    await agent.waitForSelector('#transcript .line:has-text("verification code")', wait);
    await agent.waitForSelector('#risk-banner:has-text("FRAUD_WORDS")', wait);
    await agent.waitForSelector('#ticket-cardLast4', wait);
    expect(await agent.inputValue('#ticket-cardLast4')).to.equal('1234');
    await shot(agent, 'agent-call-fraud-alert-ticket');

    await wallboard.waitForSelector('#queues tr[data-queue="cards"] td[data-figure="offered"]:text-is("1")', wait);
    await wallboard.waitForSelector('#queues tr[data-queue="cards"] td[data-figure="waiting"]:text-is("0")', wait);
    await wallboard.waitForSelector('#alerts li:has-text("FRAUD_WORDS")', wait);
    await shot(wallboard, 'wallboard');
    await shot(caller, 'caller');

    await agent.click('#complete-wrap-up');
    await agent.waitForSelector('#status-line:has-text("Wrap-up completed")', wait);
    await agent.waitForSelector('#agent-state[data-state="AVAILABLE"]', wait);
    await shot(agent, 'agent-after-wrap-up');

    const wrapUp = await findEvent(product, interactionId, 'WrapUpCompleted');
    expect(wrapUp.data).to.include({ agentId, resolved: true });
    expect(wrapUp.data.prefilledFieldsAccepted).to.be.greaterThan(0);
    expect(errors).to.deep.equal([]);
  });
});

/** The interaction's event of a type, read back from the log (the browser's effect, not its own claim). */
async function findEvent<T extends 'WrapUpCompleted'>(product: TestProduct, interactionId: string, type: T): Promise<Extract<AnyLedgerEvent, { type: T }>> {
  const topic = product.ledger.codec.catalogue.get(type).topic;
  for await (const batch of product.ledger.log.readRange({ topic })) {
    for (const record of batch) {
      const event = await product.ledger.codec.decode(record.value);
      if (event.type === type && event.metadata.interactionId === interactionId) return event as Extract<AnyLedgerEvent, { type: T }>;
    }
  }
  throw new Error(`no ${type} for ${interactionId} in the log`);
}
