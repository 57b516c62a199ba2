// Agent profiles and customer history through the API on real read models: events ingested over
// HTTP (personal fields encrypted on the way in) are rebuilt into the agent_profiles and
// customer_history tables in PostgreSQL, then read back through the analyst, customer, screen-pop
// and compliance routes, with the role rules.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { readModels } from '../../projections/read-models.ts';
import { rebuild } from '../../projections/runtime/rebuild.ts';
import { openKnex } from '../../projections/runtime/open-knex.ts';
import { ProjectionStore } from '../../projections/runtime/store.ts';
import { jsonEvent, openTestApi, type TestApi } from '../../test/support/api-harness.ts';
import { testDatabaseUrl } from '../../test/support/test-database.ts';
import type { AnyLedgerEvent, LedgerEvent } from '../../schemas/generated/events.ts';
import { SUMMARY_FIELD } from './contact-summaries.ts';
import { projectionQueries } from './projection-queries.ts';

describe('agent profile and customer history routes (real read models, embedded log)', function () {
  this.timeout(120_000);
  const prefix = `pq_${randomBytes(3).toString('hex')}`;
  const knex = openKnex(testDatabaseUrl());
  const store = new ProjectionStore(knex, prefix);
  const customerId = `C-${randomBytes(3).toString('hex')}`;
  const subject = `customer:${customerId}`;
  const interactionId = `ix-${randomUUID()}`;
  const earlier = `ix-${randomUUID()}`;
  const from = new Date(Date.now() - 3_600_000).toISOString();
  let t: TestApi;
  let http: ReturnType<typeof request>;
  const audited = async (resource: string): Promise<LedgerEvent<'DataAccessed'>[]> => {
    const out: LedgerEvent<'DataAccessed'>[] = [];
    for await (const batch of t.ledger.log.readRange({ topic: 'ledger.audit' })) {
      for (const r of batch) {
        const event = (await t.ledger.codec.decode(r.value)) as unknown as AnyLedgerEvent;
        if (event.type === 'DataAccessed' && event.data.resource === resource && event.data.customerId === customerId) out.push(event);
      }
    }
    return out;
  };
  const bearer = async (role: Parameters<TestApi['token']>[0], agentId?: string) => `Bearer ${await t.token(role, agentId ? { agentId } : {})}`;

  before(async () => {
    t = await openTestApi({ queries: (ledger) => projectionQueries(knex, store.readSchema, { personalData: ledger.personalData, catalogue: ledger.codec.catalogue }) });
    http = request(t.api.url);
    const at = Date.now() - 600_000;
    const ix = (offsetS: number) => ({ interactionId, occurredAt: at + offsetS * 1000, dataSubject: subject });
    const call = [
      jsonEvent('InteractionStarted', ix(0)),
      jsonEvent('CustomerIdentified', { ...ix(5), data: { customerId } }),
      jsonEvent('QueueEntered', { ...ix(20), data: { queueId: 'cards', intent: 'card_loss' } }),
      jsonEvent('InteractionOffered', { ...ix(25), data: { offerId: `${interactionId}/o1`, agentId: 'A1' } }),
      jsonEvent('InteractionAnswered', { ...ix(30), data: { agentId: 'A1', offerId: `${interactionId}/o1`, queueId: 'cards' } }),
      jsonEvent('RiskAlertRaised', { ...ix(60), data: { kind: 'FRAUD_WORDS', severity: 'HIGH' } }),
      jsonEvent('InteractionEnded', { ...ix(150), data: { agentId: 'A1' } }),
      jsonEvent('SummaryGenerated', { ...ix(155), data: { summary: 'Card lost on the metro; blocked and reissued.', intent: 'card_loss' } }),
      jsonEvent('WrapUpCompleted', { ...ix(180), data: { agentId: 'A1', resolved: false, ticketId: 'T-1', followUpRequired: true, wrapUpMs: 30_000, ticketFields: [] } }),
      jsonEvent('QaScoreComputed', { ...ix(300), data: { agentId: 'A1', score: 80, maxScore: 100, passed: true } }),
      jsonEvent('QaFindingRecorded', { ...ix(301), data: { agentId: 'A1', category: 'GREETING', pointsDeducted: 5 } }),
    ];
    const before = [
      jsonEvent('InteractionStarted', { interactionId: earlier, occurredAt: at - 100_000, dataSubject: subject }),
      jsonEvent('CustomerIdentified', { interactionId: earlier, occurredAt: at - 99_000, dataSubject: subject, data: { customerId } }),
      jsonEvent('InteractionOffered', { interactionId: earlier, occurredAt: at - 90_000, dataSubject: null, data: { offerId: `${earlier}/o1`, agentId: 'A2' } }),
      jsonEvent('InteractionAnswered', { interactionId: earlier, occurredAt: at - 80_000, dataSubject: null, data: { agentId: 'A2', offerId: `${earlier}/o1`, queueId: 'cards' } }),
      jsonEvent('InteractionEnded', { interactionId: earlier, occurredAt: at - 20_000, dataSubject: null, data: { agentId: 'A2' } }),
    ];
    const login = jsonEvent('AgentLoggedIn', { interactionId: null, occurredAt: at - 200_000, dataSubject: null, data: { agentId: 'A1', site: 'pudong', teams: ['cards-team'] } });
    await http.post('/v1/events/batch').set('authorization', await bearer('ingest')).send({ events: [login, ...before, ...call] }).expect(200);
    await t.api.ingest.drain();
    await rebuild({ knex, log: t.ledger.log, codec: t.ledger.codec, store, models: readModels() });
  });
  after(async () => {
    await t?.close();
    for (const schema of (await knex.raw<{ rows: { nspname: string }[] }>(`select nspname from pg_namespace where nspname like ?`, [`${prefix}\\_%`])).rows) {
      await knex.raw(`drop schema if exists "${schema.nspname}" cascade`);
    }
    await knex.destroy();
  });

  describe('GET /v1/analytics/agents', () => {
    it('returns one row per agent and week with the profile figures, in keyset pages, and as CSV', async () => {
      const first = await http.get('/v1/analytics/agents').query({ from, limit: 1 }).set('authorization', await bearer('analyst')).expect(200);
      expect(first.body.items).to.have.length(1);
      expect(first.body.items[0]).to.include({
        agentId: 'A1', callsHandled: 1, offers: 1, transfersOut: 0, firstContactResolution: 0, qaAverageScore: 80, qaFindings: 1,
        averageHandleTimeMs: 150_000, 'qaFindingsByCategory.GREETING.findings': 1, 'qaFindingsByCategory.GREETING.pointsDeducted': 5,
      });
      expect(first.body.items[0].week).to.match(/^\d{4}-W\d{2}$/);
      expect(first.body.next).to.be.a('string');
      const second = await http.get('/v1/analytics/agents').query({ from, limit: 1, after: first.body.next }).set('authorization', await bearer('supervisor')).expect(200);
      expect(second.body.items.map((r: { agentId: string }) => r.agentId)).to.deep.equal(['A2']);
      expect(second.body.next).to.equal(null);
      const one = await http.get('/v1/analytics/agents').query({ from, agentId: 'A2' }).set('authorization', await bearer('analyst')).expect(200);
      expect(one.body.items.map((r: { agentId: string; callsHandled: number }) => [r.agentId, r.callsHandled])).to.deep.equal([['A2', 1]]);
      const team = await http.get('/v1/analytics/agents').query({ from, team: 'cards-team', site: 'pudong' }).set('authorization', await bearer('analyst')).expect(200);
      expect(team.body.items.map((r: { agentId: string }) => r.agentId)).to.deep.equal(['A1']);
      const elsewhere = await http.get('/v1/analytics/agents').query({ from, site: 'elsewhere' }).set('authorization', await bearer('analyst')).expect(200);
      expect(elsewhere.body.items).to.deep.equal([]);
      const csv = await http.get('/v1/analytics/agents').query({ from, format: 'csv' }).set('authorization', await bearer('analyst')).expect(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.text.split('\r\n')[0]).to.match(/^agentId,week,weekStart,/);
      expect(csv.text.split('\r\n').filter(Boolean)).to.have.length(3);
    });

    it('refuses agents (403) and a cursor that is not ours (422)', async () => {
      await http.get('/v1/analytics/agents').set('authorization', await bearer('agent', 'A1')).expect(403);
      const bad = await http.get('/v1/analytics/agents').query({ after: Buffer.from('["A1"]').toString('base64url') }).set('authorization', await bearer('analyst')).expect(422);
      expect(bad.body.errors).to.deep.include({ field: 'after', rule: 'pattern', message: 'must be a cursor from a previous page' });
    });
  });

  describe('GET /v1/customers/{id}/history', () => {
    it('shows the agent of the call both contacts, newest first, with intent, outcome, the decrypted summary, the open ticket and risk flags', async () => {
      const res = await http.get(`/v1/customers/${customerId}/history`).query({ interactionId }).set('authorization', await bearer('agent', 'A1')).expect(200);
      expect(res.body.contacts.map((c: { interactionId: string }) => c.interactionId)).to.deep.equal([interactionId, earlier]);
      expect(res.body.contacts[0]).to.include({
        channel: 'VOICE', intent: 'card_loss', outcome: 'UNRESOLVED', agentId: 'A1', queueId: 'cards', summary: 'Card lost on the metro; blocked and reissued.',
        ticketId: 'T-1', ticketStatus: 'OPEN', riskFlags: 'FRAUD_WORDS:HIGH',
      });
      expect(res.body.contacts[0]).to.not.have.property('summarySubject');
      expect(res.body.contacts[1]).to.include({ outcome: 'HANDLED', agentId: 'A2', summary: null });
      // The route audits the call it reads through (its own fields), then the history it returns.
      const access = (await audited('GET /v1/customers/{customerId}/history')).find((e) => e.data.interactionId === null);
      expect(access?.data).to.include({ actorId: 'A1', outcome: 'ALLOWED' });
      expect(access?.data.fieldsRevealed).to.deep.equal([SUMMARY_FIELD]);
    });

    it('refuses another agent (403) and roles without the right (403); compliance reads it', async () => {
      await http.get(`/v1/customers/${customerId}/history`).query({ interactionId }).set('authorization', await bearer('agent', 'A2')).expect(403);
      await http.get(`/v1/customers/${customerId}/history`).set('authorization', await bearer('analyst')).expect(403);
      const compliance = await http.get(`/v1/customers/${customerId}/history`).set('authorization', await bearer('compliance')).expect(200);
      expect(compliance.body.contacts[0].summary).to.equal('Card lost on the metro; blocked and reissued.');
    });
  });

  describe('the screen pop and the compliance customer timeline', () => {
    it('carry the history (summaries redacted for a supervisor) and find the customer\'s interactions through the read model', async () => {
      const pop = await http.get(`/v1/interactions/${interactionId}/screen-pop`).set('authorization', await bearer('supervisor')).expect(200);
      expect(pop.body.history.map((c: { interactionId: string; summary: string | null }) => [c.interactionId, c.summary])).to.deep.equal([[interactionId, '[redacted]'], [earlier, null]]);
      expect(await audited('GET /v1/interactions/{interactionId}/screen-pop#history')).to.have.length(0);
      const agentPop = await http.get(`/v1/interactions/${interactionId}/screen-pop`).set('authorization', await bearer('agent', 'A1')).expect(200);
      expect(agentPop.body.history[0].summary).to.equal('Card lost on the metro; blocked and reissued.');
      const [access] = await audited('GET /v1/interactions/{interactionId}/screen-pop#history');
      expect(access.data.fieldsRevealed).to.deep.equal([SUMMARY_FIELD]);
      const timeline = await http.get(`/v1/compliance/customers/${customerId}/timeline`).query({ from: new Date(Date.now() - 86_400_000).toISOString() }).set('authorization', await bearer('compliance')).expect(200);
      expect(JSON.stringify(timeline.body)).to.include(interactionId).and.to.include(earlier);
    });
  });
});
