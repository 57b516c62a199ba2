// The customer questions route through a real listening server over the real questions read
// model: events appended to the embedded log (real PostgreSQL), the questions projection rebuilt
// from it into a fresh prefix, and the API's projection queries reading its views.
import { expect } from 'chai';
import request from 'supertest';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { CallScript } from '../../projections/testing/builders.ts';
import type { TestApi } from '../../test/support/api-harness.ts';
import { openReadModelApi } from '../../test/support/read-model-api.ts';

const day = Date.UTC(2026, 10, 25, 16, 0, 0); // 2026-11-26 00:00 in Shanghai
const at = (hours: number, seconds = 0) => day + hours * 3_600_000 + seconds * 1000;
const lost = 'card.lost-how-to-report';

/** A day of calls asking 5 questions in 3 categories (one call asks none); the day before, one call asking how to report a lost card. */
function calls(): AnyLedgerEvent[] {
  const served = (id: string, hour: number, queueId: string) => new CallScript(id).started(at(hour)).queued(at(hour, 5), queueId).answered(at(hour, 20), 'ag-1').ended(at(hour, 200));
  return [
    served('ix-q1', 10, 'cards').summarised(at(10, 200), 'card_loss', [{ category: lost, count: 2 }, { category: 'card.replace-fee', count: 1 }]),
    served('ix-q2', 11, 'general').summarised(at(11, 200), 'card_loss', [{ category: lost, count: 1 }]),
    served('ix-q3', 12, 'general').summarised(at(12, 200), 'transfer', [{ category: 'transfer.limit', count: 1 }]),
    served('ix-q4', 13, 'general').summarised(at(13, 200), 'other'),
    served('ix-y1', -14, 'cards').summarised(at(-14, 200), 'card_loss', [{ category: lost, count: 1 }]),
  ].flatMap((s) => s.events).map(withSummarySubject);
}

/** A summary is personal data: it names whose key encrypts it (here the interaction, as for a caller never identified). */
function withSummarySubject(event: AnyLedgerEvent): AnyLedgerEvent {
  if (event.type !== 'SummaryGenerated') return event;
  return { ...event, metadata: { ...event.metadata, dataSubject: `interaction:${event.metadata.interactionId}` } };
}

describe('questions route (real server, embedded log, real questions read model)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let http: ReturnType<typeof request>;
  const range = { from: String(day), to: String(day + 86_400_000) };

  before(async () => {
    t = await openReadModelApi(['questions'], calls());
    http = request(t.api.url);
  });

  after(async () => {
    await t?.close();
  });

  it('answers the top questions of the day by category, with the calls asking, share and trend against the 7 days before, paged', async () => {
    const analyst = await t.token('analyst');
    const res = await http.get('/v1/analytics/questions').query(range).set('authorization', `Bearer ${analyst}`).expect(200);
    expect(res.body).to.deep.equal({
      items: [
        { day: '2026-11-26', category: lost, questions: 3, calls: 2, questionsThatDay: 5, share: 0.6, previous7DayAverage: 0.1429, trend: 20 },
        { day: '2026-11-26', category: 'card.replace-fee', questions: 1, calls: 1, questionsThatDay: 5, share: 0.2, previous7DayAverage: 0, trend: null },
        { day: '2026-11-26', category: 'transfer.limit', questions: 1, calls: 1, questionsThatDay: 5, share: 0.2, previous7DayAverage: 0, trend: null },
      ],
      next: null,
    });
    const first = await http.get('/v1/analytics/questions').query({ ...range, limit: '2' }).set('authorization', `Bearer ${analyst}`).expect(200);
    expect(first.body.items.map((r: { category: string }) => r.category)).to.deep.equal([lost, 'card.replace-fee']);
    const second = await http.get('/v1/analytics/questions').query({ ...range, limit: '2', after: first.body.next }).set('authorization', `Bearer ${analyst}`).expect(200);
    expect(second.body.items.map((r: { category: string }) => r.category)).to.deep.equal(['transfer.limit']);
    expect(second.body.next).to.equal(null);
  });

  it('filters on the first queue, keeps the top N per day and answers CSV', async () => {
    const supervisor = await t.token('supervisor');
    const cards = await http.get('/v1/analytics/questions').query({ ...range, queueId: 'cards' }).set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(cards.body.items.map((r: Record<string, unknown>) => [r.category, r.questions, r.questionsThatDay, r.share, r.trend])).to.deep.equal([[lost, 2, 3, 0.6667, 13], ['card.replace-fee', 1, 3, 0.3333, null]]);
    const top = await http.get('/v1/analytics/questions').query({ ...range, top: '1', format: 'csv' }).set('authorization', `Bearer ${supervisor}`).expect(200);
    expect(top.headers['content-type']).to.match(/^text\/csv/);
    expect(top.text.split('\r\n')).to.deep.equal(['day,category,questions,calls,questionsThatDay,share,previous7DayAverage,trend', `2026-11-26,${lost},3,2,5,0.6,0.1429,20`, '']);
  });

  it('refuses the wrong role with 403, no token with 401 and a bad filter with 422', async () => {
    for (const role of ['agent', 'compliance', 'ingest'] as const) {
      await http.get('/v1/analytics/questions').query(range).set('authorization', `Bearer ${await t.token(role)}`).expect(403);
    }
    await http.get('/v1/analytics/questions').query(range).expect(401);
    const bad = await http.get('/v1/analytics/questions').query({ ...range, top: '-1' }).set('authorization', `Bearer ${await t.token('ops')}`).expect(422);
    expect(bad.body.errors[0]).to.include({ field: 'top', rule: 'range' });
  });
});
