// API → log → projections → API: events ingested over HTTP are folded by the real projection
// runtime (live queues, wallboard) into PostgreSQL and come back out of the wallboard and KPI
// routes, on the embedded log.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { openKnex } from '../projections/runtime/open-knex.ts';
import { startProjections, type LiveProjections } from '../projections/runtime/live.ts';
import { ProjectionStore } from '../projections/runtime/store.ts';
import { readModels } from '../projections/read-models.ts';
import { testDatabaseUrl } from '../test/support/test-database.ts';
import { projectionQueries } from './queries/projection-queries.ts';
import { jsonEvent, openTestApi, type TestApi } from '../test/support/api-harness.ts';

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('API with the projections (e2e, embedded log)', function () {
  this.timeout(120_000);
  const prefix = `pa_${randomBytes(3).toString('hex')}`;
  const knex = openKnex(testDatabaseUrl());
  const store = new ProjectionStore(knex, prefix);
  let t: TestApi;
  let live: LiveProjections;

  before(async () => {
    t = await openTestApi({ queries: (ledger) => projectionQueries(knex, store.readSchema, { personalData: ledger.personalData, catalogue: ledger.codec.catalogue }) });
    live = await startProjections({ knex, log: t.ledger.log, codec: t.ledger.codec, store, models: readModels(), group: `g-${prefix}` });
  });
  after(async () => {
    await live?.stop();
    await t?.close();
    for (const schema of (await knex.raw<{ rows: { nspname: string }[] }>(`select nspname from pg_namespace where nspname like '${prefix}_%'`)).rows) {
      await knex.raw(`drop schema if exists "${schema.nspname}" cascade`);
    }
    await knex.destroy();
  });

  describe('when a call is ingested and queues', () => {
    it('shows on the live wallboard, and its KPIs are queryable and exportable', async () => {
      const ingest = await t.token('ingest', { source: 'telephony-e2e' });
      const supervisor = await t.token('supervisor');
      const interactionId = `ix-${randomUUID()}`;
      const queueId = `q-e2e-${randomBytes(3).toString('hex')}`;
      await request(t.api.url).post('/v1/events/batch').set('authorization', `Bearer ${ingest}`).send({
        events: [jsonEvent('InteractionStarted', { interactionId }), jsonEvent('QueueEntered', { interactionId, data: { queueId } })],
      }).expect(200);
      const queue = await eventually(async () => {
        const res = await request(t.api.url).get('/v1/wallboard/queues').set('authorization', `Bearer ${supervisor}`).expect(200);
        return (res.body.queues as { queueId: string; waiting: number; calls: { interactionId: string }[] }[]).find((q) => q.queueId === queueId);
      });
      expect(queue.waiting).to.equal(1);
      expect(queue.calls[0].interactionId).to.equal(interactionId);
      const rolling = await request(t.api.url).get('/v1/wallboard/rolling').query({ windowMinutes: 60 }).set('authorization', `Bearer ${supervisor}`).expect(200);
      expect(rolling.body.queues).to.be.an('array');
      await request(t.api.url).get('/v1/wallboard/agents').set('authorization', `Bearer ${supervisor}`).expect(200);
      const metrics = await request(t.api.url).get('/metrics').expect(200);
      expect(metrics.text).to.include(`ledger_queue_waiting{queue="${queueId}"} 1`);

      await request(t.api.url).post('/v1/events').set('authorization', `Bearer ${ingest}`).send(jsonEvent('InteractionAbandoned', { interactionId, data: { queueId } })).expect(201);
      const analyst = await t.token('analyst');
      const row = await eventually(async () => {
        const res = await request(t.api.url).get('/v1/analytics/kpis').query({ queueId, from: new Date(Date.now() - 3_600_000).toISOString() }).set('authorization', `Bearer ${analyst}`).expect(200);
        return (res.body.items as Record<string, unknown>[]).find((r) => r.abandoned === 1);
      });
      expect(row).to.include({ queue: queueId, offered: 1, abandoned: 1 });
      const csv = await request(t.api.url).get('/v1/analytics/kpis').query({ queueId, format: 'csv', from: new Date(Date.now() - 3_600_000).toISOString() }).set('authorization', `Bearer ${analyst}`).expect(200);
      expect(csv.text.split('\r\n')[0]).to.match(/^period,queue,tier,source,/);
    });
  });
});
