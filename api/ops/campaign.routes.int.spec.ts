// The campaign routes through a real listening server on the embedded log (real PostgreSQL): a
// campaign started, paused and resumed is on ledger.outbound; a bad document is refused naming
// each field and rule, and nothing is appended.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { openTestApi, type TestApi } from '../../test/support/api-harness.ts';
import { ledgerIo } from '../ledger/ledger-io.ts';

describe('campaign routes (real server, embedded log)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let http: ReturnType<typeof request>;
  const campaignId = `api-${randomBytes(3).toString('hex')}`;
  const document = {
    campaignId, version: 1, name: 'overdue reminder', purpose: 'PAYMENT_REMINDER', script: 'reminder-v1', dialMode: 'PREDICTIVE', site: 'shanghai', queueId: 'outbound', agentGroup: 'collections',
    abandonCap: { rate: 0.03 }, callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '20:00' }] },
    maxAttempts: 3, retryAfterMinutes: { NO_ANSWER: 120, BUSY: 15, VOICEMAIL: 240 },
  };
  const campaignEvents = async () => (await ledgerIo({ log: t.ledger.log, codec: t.ledger.codec, now: Date.now, producer: { component: 'test', version: '1' } }).readKey('ledger.outbound', campaignId, 0)).map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown> }));

  before(async () => {
    t = await openTestApi();
    http = request(t.api.url);
  });
  after(async () => t?.close());

  it('refuses a bad configuration naming each field and rule, and appends nothing', async () => {
    const bad = await http.post('/v1/ops/campaigns').set('authorization', `Bearer ${await t.token('ops')}`)
      .send({ ...document, dialMode: 'TURBO', callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1], open: '20:00', close: '09:00' }] } }).expect(422);
    expect(bad.body.errors).to.deep.include({ field: 'dialMode', rule: 'enum', message: 'must be one of PREVIEW, PROGRESSIVE, PREDICTIVE' });
    const closes = await http.post('/v1/ops/campaigns').set('authorization', `Bearer ${await t.token('ops')}`)
      .send({ ...document, callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1], open: '20:00', close: '09:00' }] } }).expect(422);
    expect(closes.body.errors).to.deep.equal([{ field: 'callingWindows.weekly.0.close', rule: 'after-open', message: 'must be after open' }]);
    expect(await campaignEvents()).to.deep.equal([]);
  });

  it('starts, pauses and resumes a campaign as control events', async () => {
    const started = await http.post('/v1/ops/campaigns').set('authorization', `Bearer ${await t.token('supervisor')}`).send(document).expect(201);
    expect(started.body).to.include({ campaignId, version: 1, dialMode: 'PREDICTIVE' });
    await http.post(`/v1/ops/campaigns/${campaignId}/pause`).set('authorization', `Bearer ${await t.token('ops')}`).send({ reason: 'complaint review' }).expect(201);
    await http.post(`/v1/ops/campaigns/${campaignId}/resume`).set('authorization', `Bearer ${await t.token('ops')}`).send({}).expect(201);
    const events = await campaignEvents();
    expect(events.map((e) => e.type)).to.deep.equal(['CampaignStarted', 'CampaignPaused', 'CampaignResumed']);
    expect(events[0].data).to.include({ campaignId, campaignVersion: 1, dialMode: 'PREDICTIVE', maxDropRate: 0.03 });
    expect(JSON.parse(events[0].data.config as string)).to.include({ queuePriority: 1000, agentGroup: 'collections' });
    expect(events[1].data).to.include({ reason: 'complaint review', automatic: false });
  });

  it('is for ops and supervisors only', async () => {
    for (const role of ['agent', 'analyst', 'compliance', 'ingest'] as const) {
      await http.post('/v1/ops/campaigns').set('authorization', `Bearer ${await t.token(role)}`).send(document).expect(403);
    }
    await http.post(`/v1/ops/campaigns/${campaignId}/pause`).set('authorization', `Bearer ${await t.token('ops')}`).send({}).expect(422);
  });
});
