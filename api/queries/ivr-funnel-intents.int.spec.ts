// The IVR funnel and intents routes through a real listening server over the real read models:
// events appended to the embedded log (real PostgreSQL), the ivr_funnel and intents projections
// rebuilt from it into a fresh prefix, and the API's projection queries reading their views.
import { expect } from 'chai';
import request from 'supertest';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { CallScript } from '../../projections/testing/builders.ts';
import type { TestApi } from '../../test/support/api-harness.ts';
import { openReadModelApi } from '../../test/support/read-model-api.ts';

const day = Date.UTC(2026, 10, 25, 16, 0, 0); // 2026-11-26 00:00 in Shanghai
const at = (hours: number, seconds = 0) => day + hours * 3_600_000 + seconds * 1000;

/** A day of calls: two zero out of the accounts menu and abandon in queue, one hangs up in it, three are served; the day before, one card-loss call. */
function calls(): AnyLedgerEvent[] {
  const scripts = [
    new CallScript('ix-a1').started(at(10)).ivrNode(at(10, 1), 'root', { label: '主菜单' }).ivrNode(at(10, 9), 'accounts', { depth: 1 }).ivrExited(at(10, 30), 'ZERO_OUT')
      .queued(at(10, 30), 'general').abandoned(at(10, 90), 'QUEUE', 60_000),
    new CallScript('ix-a2').started(at(11)).ivrNode(at(11, 1), 'root', { label: '主菜单' }).ivrNode(at(11, 5), 'accounts', { depth: 1 }).ivrExited(at(11, 25), 'ZERO_OUT')
      .queued(at(11, 25), 'general').abandoned(at(11, 45), 'RINGING', 20_000),
    new CallScript('ix-a3').started(at(12)).ivrNode(at(12, 1), 'root', { label: '主菜单' }).ivrNode(at(12, 4), 'accounts', { depth: 1 }).abandoned(at(12, 50), 'IVR', 50_000),
    new CallScript('ix-s1').started(at(13)).ivrNode(at(13, 1), 'root', { label: '主菜单' }).ivrInput(at(13, 6), 'root', 'MATCHED', { intent: 'card_loss' }).ivrNode(at(13, 7), 'cards', { depth: 1 })
      .ivrExited(at(13, 12), 'TO_AGENT', 11_000, { intent: 'card_loss' }).queued(at(13, 12), 'cards', 'STANDARD', { intent: 'card_loss' }).answered(at(13, 20), 'ag-1').ended(at(13, 200))
      .wrapUp(at(13, 230), 'ag-1', 30_000, 'card_loss'),
    new CallScript('ix-s2').started(at(14)).ivrNode(at(14, 1), 'root', { label: '主菜单' }).ivrExited(at(14, 8), 'TO_AGENT', 7_000, { intent: 'balance' }).queued(at(14, 8), 'general')
      .answered(at(14, 30), 'ag-2').ended(at(14, 100)).wrapUp(at(14, 120), 'ag-2', 20_000, 'card_loss'),
    new CallScript('ix-s3').started(at(15)).queued(at(15, 2), 'general').answered(at(15, 10), 'ag-2').ended(at(15, 60)).wrapUp(at(15, 70), 'ag-2', 10_000, 'balance'),
    new CallScript('ix-y1').started(at(-14)).ivrExited(at(-14, 9), 'TO_AGENT', 9_000, { intent: 'card_loss' }).queued(at(-14, 9), 'cards').answered(at(-14, 15), 'ag-1').ended(at(-14, 90)),
  ];
  return scripts.flatMap((s) => s.events);
}

describe('IVR funnel and intents routes (real server, embedded log, real read models)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let http: ReturnType<typeof request>;
  const range = { from: String(day), to: String(day + 86_400_000) };

  before(async () => {
    t = await openReadModelApi(['ivr_funnel', 'intents'], calls());
    http = request(t.api.url);
  });

  after(async () => {
    await t?.close();
  });

  it('answers the funnel per node and day: entries, exits by reason, hang-ups, zero-outs, median time', async () => {
    const res = await http.get('/v1/analytics/ivr-funnel').query({ ...range, flowId: 'main' }).set('authorization', `Bearer ${await t.token('analyst')}`).expect(200);
    expect(res.body.next).to.equal(null);
    expect(res.body.items.map((r: Record<string, unknown>) => [r.day, r.nodeId, r.nodeLabel, r.entries, r.exitsNext, r.exitsToAgent, r.hangUps, r.zeroOuts, r.zeroOutRate])).to.deep.equal([
      ['2026-11-26', 'root', '主菜单', 5, 4, 1, 0, 0, 0],
      ['2026-11-26', 'accounts', null, 3, 0, 0, 1, 2, 0.6667],
      ['2026-11-26', 'cards', null, 1, 0, 1, 0, 0, 0],
    ]);
    const accounts = res.body.items[1];
    expect(accounts).to.include({ meanTimeMs: Math.round((21_000 + 20_000 + 46_000) / 3), medianTimeMs: 20_500 }); // (20 s, 21 s] bucket, interpolated
  });

  it('answers the abandonment paths, most frequent first, paged and as CSV', async () => {
    const supervisor = await t.token('supervisor');
    const first = await http.get('/v1/analytics/ivr-funnel/abandon-paths').query({ ...range, limit: '1' }).set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(first.body.items).to.deep.equal([{ flowId: 'main', path: 'root > accounts', nodes: 2, lastNodeId: 'accounts', ivrExit: 'ZERO_OUT', abandonedIn: 'QUEUE', calls: 2 }]);
    expect(first.body.next).to.be.a('string');
    const second = await http.get('/v1/analytics/ivr-funnel/abandon-paths').query({ ...range, limit: '1', after: first.body.next }).set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(second.body).to.deep.equal({ items: [{ flowId: 'main', path: 'root > accounts', nodes: 2, lastNodeId: 'accounts', ivrExit: 'HANG_UP', abandonedIn: 'IVR', calls: 1 }], next: null });
    const csv = await http.get('/v1/analytics/ivr-funnel/abandon-paths').query({ ...range, format: 'csv' }).set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    expect(csv.text.split('\r\n')).to.deep.equal(['flowId,path,nodes,lastNodeId,ivrExit,abandonedIn,calls', 'main,root > accounts,2,accounts,ZERO_OUT,QUEUE,2', 'main,root > accounts,2,accounts,HANG_UP,IVR,1', '']);
  });

  it('answers the top intents of the day with share and trend against the 7 days before', async () => {
    const res = await http.get('/v1/analytics/intents').query(range).set('authorization', `Bearer ${await t.token('ops')}`).expect(200);
    expect(res.body.items).to.deep.equal([
      { day: '2026-11-26', intent: 'card_loss', calls: 2, callsThatDay: 6, share: 0.3333, previous7DayAverage: 0.1429, trend: 13 },
      { day: '2026-11-26', intent: 'balance', calls: 1, callsThatDay: 6, share: 0.1667, previous7DayAverage: 0, trend: null },
    ]);
    const top = await http.get('/v1/analytics/intents').query({ ...range, top: '1', format: 'csv' }).set('authorization', `Bearer ${await t.token('ops')}`).expect(200);
    expect(top.text.split('\r\n')).to.deep.equal(['day,intent,calls,callsThatDay,share,previous7DayAverage,trend', '2026-11-26,card_loss,2,6,0.3333,0.1429,13', '']);
    const cards = await http.get('/v1/analytics/intents').query({ ...range, queueId: 'cards' }).set('authorization', `Bearer ${await t.token('analyst')}`).expect(200);
    expect(cards.body.items).to.deep.equal([{ day: '2026-11-26', intent: 'card_loss', calls: 1, callsThatDay: 1, share: 1, previous7DayAverage: 0.1429, trend: 6 }]);
  });

  it('refuses the wrong role with 403 and a bad filter with 422', async () => {
    for (const role of ['agent', 'compliance', 'ingest'] as const) {
      const token = await t.token(role);
      await http.get('/v1/analytics/ivr-funnel').query(range).set('authorization', `Bearer ${token}`).expect(403);
      await http.get('/v1/analytics/ivr-funnel/abandon-paths').query(range).set('authorization', `Bearer ${token}`).expect(403);
      await http.get('/v1/analytics/intents').query(range).set('authorization', `Bearer ${token}`).expect(403);
    }
    await http.get('/v1/analytics/ivr-funnel/abandon-paths').query(range).expect(401);
    const bad = await http.get('/v1/analytics/intents').query({ ...range, channel: "VOICE' or 1=1 --" }).set('authorization', `Bearer ${await t.token('analyst')}`).expect(422);
    expect(bad.body.errors[0]).to.include({ field: 'channel', rule: 'pattern' });
  });
});
