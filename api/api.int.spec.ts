// The API through a real listening server on the embedded log (real PostgreSQL): ingest,
// security refusals, agent commands, push with resume, compliance, ops.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import request from 'supertest';
import type { AnyLedgerEvent } from '../schemas/generated/events.ts';
import { jsonEvent, openSse, openTestApi, type TestApi } from '../test/support/api-harness.ts';

async function eventsOf(t: TestApi, topic: string): Promise<AnyLedgerEvent[]> {
  const out: AnyLedgerEvent[] = [];
  for await (const batch of t.ledger.log.readRange({ topic })) for (const r of batch) out.push((await t.ledger.codec.decode(r.value)) as unknown as AnyLedgerEvent);
  return out;
}

describe('API (real server, embedded log)', function () {
  this.timeout(60_000);
  let t: TestApi;
  let http: ReturnType<typeof request>;
  const queries = {
    kpis: async () => ({ items: [{ period: '2026-11-26T01:30:00.000Z', queue: 'cards', offered: 3, serviceLevel: 0.9, note: '=cmd' }], next: null }),
    customerHistory: async (customerId: string) => [{ interactionId: 'ix-old', customerId, intent: 'balance' }],
  };

  before(async () => {
    t = await openTestApi({ limits: { bodyBytes: 64 * 1024, burstPerSource: 50, ratePerSource: 1 }, queries });
    http = request(t.api.url);
  });
  after(async () => t?.close());

  describe('ingest', () => {
    it('appends an event once durably, and answers a retry with the same eventId as a duplicate without a second append', async () => {
      const token = await t.token('ingest', { source: 'telephony-dup' });
      const interactionId = `ix-${randomUUID()}`;
      const event = jsonEvent('InteractionStarted', { interactionId });
      const first = await http.post('/v1/events').set('authorization', `Bearer ${token}`).send(event).expect(201);
      expect(first.body).to.include({ status: 'accepted' });
      expect(first.body.position).to.include({ topic: 'ledger.interactions' });
      await t.api.ingest.drain(); // positions are recorded just after the 2xx; a retry before that gets 409 in-progress
      const retry = await http.post('/v1/events').set('authorization', `Bearer ${token}`).send(event).expect(200);
      expect(retry.body).to.deep.equal({ ...first.body, status: 'duplicate' });
      const stored = (await eventsOf(t, 'ledger.interactions')).filter((e) => e.metadata.interactionId === interactionId);
      expect(stored).to.have.length(1);
      expect(stored[0].metadata.producer.component).to.equal('api');
      expect((stored[0].data as { callerNumber: string }).callerNumber).to.match(/^pii:v1:/);
    });

    it('refuses an invalid event with problem+json naming the field and the rule, and appends nothing of the batch', async () => {
      const token = await t.token('ingest', { source: 'ivr-bad' });
      const interactionId = `ix-${randomUUID()}`;
      const good = jsonEvent('InteractionStarted', { interactionId });
      const bad = jsonEvent('IvrNodeEntered', { interactionId, data: { depth: 'deep' as unknown as number } });
      const res = await http.post('/v1/events/batch').set('authorization', `Bearer ${token}`).send({ events: [good, bad] }).expect(422);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body).to.include({ status: 422, type: 'https://call-ledger.example/problems/validation' });
      expect(res.body.errors).to.deep.include({ field: 'events[1].data.depth', rule: 'type', message: 'must be integer' });
      expect((await eventsOf(t, 'ledger.interactions')).filter((e) => e.metadata.interactionId === interactionId)).to.have.length(0);
    });

    it('accepts a batch and reports each event', async () => {
      const token = await t.token('ingest', { source: 'speech' });
      const interactionId = `ix-${randomUUID()}`;
      const events = [jsonEvent('InteractionStarted', { interactionId }), jsonEvent('IvrNodeEntered', { interactionId })];
      const res = await http.post('/v1/events/batch').set('authorization', `Bearer ${token}`).send({ events: [...events, events[0]] }).expect(200);
      expect(res.body).to.include({ accepted: 2, duplicates: 1 });
    });

    it('answers 413 to an oversized body and 415 to a body that is not JSON', async () => {
      const token = await t.token('ingest', { source: 'big' });
      const huge = jsonEvent('InteractionStarted', { data: { externalCallId: 'x'.repeat(100 * 1024) } });
      const res = await http.post('/v1/events').set('authorization', `Bearer ${token}`).send(huge).expect(413);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      await http.post('/v1/events').set('authorization', `Bearer ${token}`).set('content-type', 'text/plain').send('hello').expect(415);
    });

    it('rate-limits per source with 429 and Retry-After, leaving other sources alone', async () => {
      const noisy = await t.token('ingest', { source: 'noisy' });
      const events = Array.from({ length: 50 }, () => jsonEvent('IvrNodeEntered', { interactionId: `ix-${randomUUID()}` }));
      await http.post('/v1/events/batch').set('authorization', `Bearer ${noisy}`).send({ events }).expect(200);
      const refused = await http.post('/v1/events').set('authorization', `Bearer ${noisy}`).send(jsonEvent('IvrNodeEntered')).expect(429);
      expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0);
      const quiet = await t.token('ingest', { source: 'quiet' });
      await http.post('/v1/events').set('authorization', `Bearer ${quiet}`).send(jsonEvent('IvrNodeEntered')).expect(201);
    });
  });

  describe('security', () => {
    it('refuses a missing, forged or expired token with 401, and the wrong role with 403', async () => {
      const event = jsonEvent('IvrNodeEntered');
      await http.post('/v1/events').send(event).expect(401);
      const forged = await new SignJWT({ role: 'ingest' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuer('call-ledger').setAudience('call-ledger-api')
        .setExpirationTime('1h').sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
      const forgedRes = await http.post('/v1/events').set('authorization', `Bearer ${forged}`).send(event).expect(401);
      expect(forgedRes.body.detail).to.equal('The token is not valid.');
      const expired = await t.token('ingest', { expiresIn: -60 });
      const expiredRes = await http.post('/v1/events').set('authorization', `Bearer ${expired}`).send(event).expect(401);
      expect(expiredRes.body.detail).to.equal('The token has expired.');
      await http.post('/v1/events').set('authorization', `Bearer ${await t.token('agent')}`).send(event).expect(403);
      await http.get('/v1/compliance/customers/C1/timeline').set('authorization', `Bearer ${await t.token('analyst')}`).expect(403);
      await http.post('/v1/ops/system-mode').set('authorization', `Bearer ${await t.token('supervisor')}`).send({ mode: 'DEGRADED', reason: 'x' }).expect(403);
    });

    it('treats SQL in filters and ids as invalid input, never as SQL', async () => {
      const analyst = await t.token('analyst');
      const res = await http.get('/v1/analytics/kpis').query({ queueId: "cards' or 1=1; drop table ledger.events; --" }).set('authorization', `Bearer ${analyst}`).expect(422);
      expect(res.body.errors[0]).to.include({ field: 'queueId', rule: 'pattern' });
      const compliance = await t.token('compliance');
      await http.get(`/v1/compliance/customers/${encodeURIComponent("C1' OR '1'='1")}/timeline`).set('authorization', `Bearer ${compliance}`).expect(422);
      await http.get('/v1/analytics/kpis').query({ limit: '1; select pg_sleep(10)' }).set('authorization', `Bearer ${analyst}`).expect(422);
      await http.get(`/v1/interactions/${encodeURIComponent("x' union select * from ledger.events --")}/screen-pop`).set('authorization', `Bearer ${await t.token('agent')}`).expect(422);
    });
  });

  describe('an agent serving a call', () => {
    it('logs in, gets the offer with the screen pop pushed, answers, sees transcript and risk alerts, wraps up with the pre-filled ticket; refusals have reasons', async () => {
      const ingest = await t.token('ingest', { source: 'telephony-flow' });
      const agentId = `A-${randomUUID().slice(0, 8)}`;
      const agent = await t.token('agent', { agentId });
      const other = await t.token('agent', { agentId: `B-${randomUUID().slice(0, 8)}` });
      const post = (path: string, token: string, body: object = {}) => http.post(path).set('authorization', `Bearer ${token}`).send(body);

      await post('/v1/agents/me/state', agent, { state: 'AVAILABLE' }).expect(409);
      await post('/v1/agents/me/login', other, { site: 'shanghai-pudong' }).expect(200);
      await post('/v1/agents/me/login', agent, { site: 'shanghai-pudong', skills: [{ skill: 'cards', proficiency: 7 }], teams: ['cards'] }).expect(200);
      await post('/v1/agents/me/login', agent, { site: 'shanghai-pudong' }).expect(409);
      await post('/v1/agents/me/state', agent, { state: 'BREAK' }).expect(422);
      await post('/v1/agents/me/state', agent, { state: 'AVAILABLE' }).expect(200);

      const stream = await openSse(`${t.api.url}/v1/agents/me/stream`, agent);
      expect(stream.status).to.equal(200);
      expect(stream.contentType).to.match(/^text\/event-stream/);
      await stream.next((m) => m.event === 'caught-up');

      const interactionId = `ix-${randomUUID()}`;
      const offerId = `${interactionId}/o1`;
      const call = [
        jsonEvent('InteractionStarted', { interactionId }),
        jsonEvent('IvrNodeEntered', { interactionId }),
        jsonEvent('CustomerIdentified', { interactionId }),
        jsonEvent('QueueEntered', { interactionId }),
        jsonEvent('InteractionOffered', { interactionId, data: { offerId, agentId } }),
      ];
      await post('/v1/events/batch', ingest, { events: call }).expect(200);

      const offer = await stream.next((m) => m.event === 'offer');
      const pop = offer.data.screenPop as Record<string, unknown>;
      expect(offer.data.offerId).to.equal(offerId);
      expect(pop.customer).to.deep.include({ customerId: 'C0031884219', tier: 'VIP' });
      expect((pop.customer as { name: string }).name).to.not.match(/^pii:v1:|redacted/);
      expect(pop.callerNumber).to.equal('+8613812345678');
      expect((pop.ivrPath as unknown[]).length).to.equal(1);
      expect(pop.history).to.deep.equal([{ interactionId: 'ix-old', customerId: 'C0031884219', intent: 'balance' }]);

      const refused = await post(`/v1/agents/me/offers/${encodeURIComponent(offerId)}/accept`, other, { interactionId }).expect(409);
      expect(refused.body.detail).to.match(/went to another agent/);
      expect(refused.headers['content-type']).to.match(/^application\/problem\+json/);
      await http.get(`/v1/interactions/${interactionId}/screen-pop`).set('authorization', `Bearer ${other}`).expect(403);
      await http.get(`/v1/customers/C0031884219/history`).query({ interactionId }).set('authorization', `Bearer ${other}`).expect(403);
      await post(`/v1/agents/me/interactions/${interactionId}/wrap-up`, agent, { disposition: 'X', resolved: true }).expect(409);

      await post(`/v1/agents/me/offers/${encodeURIComponent(offerId)}/accept`, agent, { interactionId }).expect(200);
      await post(`/v1/agents/me/offers/${encodeURIComponent(offerId)}/accept`, agent, { interactionId }).expect(409);
      // A page reloaded mid-call (no Last-Event-ID) sees the recent offer again and keeps getting the call's pushes.
      const reloaded = await openSse(`${t.api.url}/v1/agents/me/stream`, agent);
      await reloaded.next((m) => m.event === 'caught-up');
      expect(reloaded.messages.some((m) => m.event === 'offer' && m.data.offerId === offerId)).to.equal(true);
      await post(`/v1/agents/me/interactions/${interactionId}/hold`, agent, { reasonCode: 'lookup' }).expect(200);
      await post(`/v1/agents/me/interactions/${interactionId}/resume`, agent).expect(200);
      await post(`/v1/agents/me/interactions/${interactionId}/conference`, agent, { participants: [{ role: 'SUPERVISOR', agentId: 'S0107' }] }).expect(200);

      await post('/v1/events/batch', ingest, {
        events: [
          jsonEvent('TranscriptSegmentRecognized', { interactionId, data: { text: '他让我把钱转到安全账户' } }),
          jsonEvent('RiskAlertRaised', { interactionId }),
          jsonEvent('TicketFieldsExtracted', { interactionId }),
        ],
      }).expect(200);
      const transcript = await stream.next((m) => m.event === 'transcript');
      expect((transcript.data.data as { text: string }).text).to.equal('他让我把钱转到安全账户');
      const alert = await stream.next((m) => m.event === 'risk-alert');
      expect(alert.data.type).to.equal('RiskAlertRaised');
      const ticket = await stream.next((m) => m.event === 'ticket-fields');
      const fields = (ticket.data.data as { fields: { name: string; value: string }[] }).fields;

      const reloadedTranscript = await reloaded.next((m) => m.event === 'transcript');
      expect((reloadedTranscript.data.data as { text: string }).text).to.equal('他让我把钱转到安全账户');
      await reloaded.close();
      const me = await http.get('/v1/agents/me').set('authorization', `Bearer ${agent}`).expect(200);
      expect(me.body.agent).to.include({ state: 'BUSY', interactionId });

      await post(`/v1/agents/me/interactions/${interactionId}/hangup`, agent).expect(200);
      const done = await post(`/v1/agents/me/interactions/${interactionId}/wrap-up`, agent, { disposition: 'CARD_LOSS_REPORTED', resolved: true, ticketFields: fields }).expect(200);
      expect(done.body.events.map((e: { type: string }) => e.type)).to.deep.equal(['WrapUpCompleted', 'AgentStateChanged']);
      await post(`/v1/agents/me/interactions/${interactionId}/wrap-up`, agent, { disposition: 'AGAIN', resolved: true }).expect(409);
      await stream.close();

      const stored = (await eventsOf(t, 'ledger.interactions')).filter((e) => e.metadata.interactionId === interactionId);
      const wrap = stored.find((e) => e.type === 'WrapUpCompleted');
      expect(wrap?.type === 'WrapUpCompleted' && wrap.data.prefilledFieldsAccepted).to.equal(fields.length);
      const audit = (await eventsOf(t, 'ledger.audit')).filter((e) => e.type === 'DataAccessed' && e.data.interactionId === interactionId);
      const outcomes = audit.map((e) => (e.type === 'DataAccessed' ? `${e.data.actorId === agentId ? 'agent' : 'other'}:${e.data.outcome}` : ''));
      expect(outcomes).to.include('agent:ALLOWED');
      expect(outcomes).to.include('other:DENIED');
    });
  });

  describe('push resume', () => {
    it('delivers what was appended while the supervisor was disconnected, from Last-Event-ID', async () => {
      const supervisor = await t.token('supervisor');
      const ingest = await t.token('ingest', { source: 'telephony-resume' });
      const first = await openSse(`${t.api.url}/v1/supervisor/stream`, supervisor);
      await first.next((m) => m.event === 'caught-up');
      const a = `ix-${randomUUID()}`;
      await http.post('/v1/events').set('authorization', `Bearer ${ingest}`).send(jsonEvent('QueueEntered', { interactionId: a })).expect(201);
      await first.next((m) => m.event === 'queue' && m.data.interactionId === a);
      const resumeFrom = first.lastId();
      await first.close();
      const missed = [`ix-${randomUUID()}`, `ix-${randomUUID()}`];
      for (const id of missed) await http.post('/v1/events').set('authorization', `Bearer ${ingest}`).send(jsonEvent('QueueEntered', { interactionId: id })).expect(201);
      const second = await openSse(`${t.api.url}/v1/supervisor/stream`, supervisor, resumeFrom ?? undefined);
      await second.next((m) => m.event === 'caught-up');
      const seen = second.messages.filter((m) => m.event === 'queue').map((m) => m.data.interactionId);
      // Order is guaranteed per interaction (partition), not across interactions.
      expect([...seen].sort()).to.deep.equal([...missed].sort());
      await second.close();
    });
  });

  describe('compliance', () => {
    it('shows the interaction timeline decrypted to compliance and redacted to a supervisor, with a hash chain, and audits the read', async () => {
      const ingest = await t.token('ingest', { source: 'telephony-compliance' });
      const interactionId = `ix-${randomUUID()}`;
      await http.post('/v1/events/batch').set('authorization', `Bearer ${ingest}`).send({ events: [jsonEvent('InteractionStarted', { interactionId }), jsonEvent('RoutingDecided', { interactionId })] }).expect(200);
      const compliance = await http.get(`/v1/compliance/interactions/${interactionId}/timeline`).set('authorization', `Bearer ${await t.token('compliance')}`).expect(200);
      expect(compliance.body.entries.map((e: { type: string }) => e.type)).to.deep.equal(['InteractionStarted', 'RoutingDecided']);
      expect(compliance.body.entries[0].data.callerNumber).to.equal('+8613812345678');
      expect(compliance.body.entries[1].decidedBy).to.have.keys(['policy', 'version']);
      expect(compliance.body.chain.head).to.equal(compliance.body.entries[1].link);
      const supervisor = await http.get(`/v1/compliance/interactions/${interactionId}/timeline`).set('authorization', `Bearer ${await t.token('supervisor')}`).expect(200);
      expect(supervisor.body.entries[0].data.callerNumber).to.equal('[redacted]');
      expect(supervisor.body.chain.head).to.equal(compliance.body.chain.head);
      const audit = (await eventsOf(t, 'ledger.audit')).filter((e) => e.type === 'DataAccessed' && e.data.interactionId === interactionId);
      expect(audit.map((e) => e.type === 'DataAccessed' && e.data.role)).to.deep.equal(['COMPLIANCE', 'SUPERVISOR']);
    });
  });

  describe('compliance, by customer', () => {
    it('finds the customer\'s interactions on the log and lists who read their data', async () => {
      const ingest = await t.token('ingest', { source: 'telephony-customer' });
      const interactionId = `ix-${randomUUID()}`;
      const customerId = `C-${randomUUID().slice(0, 8)}`;
      await http.post('/v1/events/batch').set('authorization', `Bearer ${ingest}`).send({
        events: [jsonEvent('InteractionStarted', { interactionId }), jsonEvent('CustomerIdentified', { interactionId, data: { customerId } })],
      }).expect(200);
      const compliance = await t.token('compliance');
      await http.get(`/v1/compliance/interactions/${interactionId}/timeline`).set('authorization', `Bearer ${compliance}`).expect(200);
      const res = await http.get(`/v1/compliance/customers/${customerId}/timeline`).query({ purpose: 'complaint C-1' }).set('authorization', `Bearer ${compliance}`).expect(200);
      expect(res.body.interactions.map((i: { interactionId: string }) => i.interactionId)).to.deep.equal([interactionId]);
      expect(res.body.interactions[0].entries[1].data.customerName).to.not.equal('[redacted]');
      expect(res.body.entries.map((e: { data: { role: string } }) => e.data.role)).to.deep.equal(['COMPLIANCE']);
      const ndjson = await http.get(`/v1/compliance/customers/${customerId}/timeline`).query({ format: 'ndjson' }).set('authorization', `Bearer ${compliance}`).expect(200);
      expect(ndjson.headers['content-type']).to.match(/^application\/x-ndjson/);
      const audit = (await eventsOf(t, 'ledger.audit')).filter((e) => e.type === 'DataAccessed' && e.data.customerId === customerId);
      expect(audit.map((e) => e.type === 'DataAccessed' && `${e.data.action}:${e.data.purpose}`)).to.include.members(['READ:complaint C-1', 'EXPORT:compliance review']);
    });
  });

  describe('analyst queries', () => {
    it('pages KPIs as JSON and exports CSV with formulas disarmed; routes without a read model say 501', async () => {
      const analyst = await t.token('analyst');
      const json = await http.get('/v1/analytics/kpis').query({ queueId: 'cards' }).set('authorization', `Bearer ${analyst}`).expect(200);
      expect(json.body.items[0]).to.include({ queue: 'cards' });
      const csv = await http.get('/v1/analytics/kpis').query({ format: 'csv' }).set('authorization', `Bearer ${analyst}`).expect(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.text.split('\r\n')[1]).to.equal("2026-11-26T01:30:00.000Z,cards,3,0.9,'=cmd");
      await http.get('/v1/analytics/ivr-funnel').set('authorization', `Bearer ${analyst}`).expect(501);
    });
  });

  describe('operations', () => {
    it('reports health, readiness and metrics, and switches the system mode with an event', async () => {
      await http.get('/health').expect(200, { status: 'ok' });
      const ready = await http.get('/ready').expect(200);
      expect(ready.body.checks).to.have.keys(['log', 'database', 'registry', 'consumerLag']);
      const ops = await t.token('ops');
      const changed = await http.post('/v1/ops/system-mode').set('authorization', `Bearer ${ops}`).send({ mode: 'DEGRADED', reason: '3x peak', shedFeatures: ['summary'] }).expect(201);
      expect(changed.body).to.include({ mode: 'DEGRADED', previousMode: 'NORMAL' });
      const now = await http.get('/v1/ops/system-mode').set('authorization', `Bearer ${ops}`).expect(200);
      expect(now.body.mode).to.equal('DEGRADED');
      const metrics = await http.get('/metrics').expect(200);
      expect(metrics.text).to.include('ledger_api_requests_total{method="POST",route="/v1/events",status="201"}');
      expect(metrics.text).to.include('ledger_api_events_accepted_total');
      expect(metrics.text).to.include('ledger_log_events_total');
    });
  });
});
