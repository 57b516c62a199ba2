// The outbound campaigns route through a real listening server over the real read model: a
// campaign's events appended to the embedded log (real PostgreSQL), the outbound_campaigns
// projection rebuilt from it into a fresh prefix, and the API's projection queries reading its views.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { deterministicUuid, eventOf } from '../../projections/testing/builders.ts';
import type { TestApi } from '../../test/support/api-harness.ts';
import { openReadModelApi } from '../../test/support/read-model-api.ts';

const t0 = Date.UTC(2026, 10, 26, 1, 0, 0); // 09:00 in Shanghai
const campaignId = `overdue-${randomBytes(3).toString('hex')}`;
let n = 0;
function event<T extends LedgerEventType>(type: T, seconds: number, data: LedgerEventMap[T], options: { interactionId?: string; producer?: string; subject?: string } = {}): AnyLedgerEvent {
  const e = eventOf(type, data, { eventId: deterministicUuid(`${campaignId}-${++n}`), at: t0 + seconds * 1000, source: 'new', interactionId: options.interactionId ?? null });
  return { ...e, metadata: { ...e.metadata, producer: { component: options.producer ?? 'telephony', version: '1' }, dataSubject: options.subject ?? null } } as AnyLedgerEvent;
}

/** One agent of the group for an hour; 4 contacts: one promise to pay, one wrong number, one busy, one dropped. */
function campaign(): AnyLedgerEvent[] {
  const events: AnyLedgerEvent[] = [
    event('CampaignStarted', 0, {
      campaignId, campaignVersion: 1, name: 'overdue reminder', purpose: 'PAYMENT_REMINDER', dialMode: 'PREDICTIVE',
      config: JSON.stringify({ site: 'sh', agentGroup: 'collections', abandonCap: { rate: 0.03, graceSeconds: 2 } }), maxDropRate: 0.03, startedBy: 'ops-1',
    }),
    event('AgentLoggedIn', 0, { agentId: 'ag-c1', skills: [], teams: ['collections'], site: 'sh', cohort: null, station: null, supervisorId: null }),
    event('AgentStateChanged', 0, { agentId: 'ag-c1', state: 'AVAILABLE', previousState: 'UNKNOWN', reasonCode: null, interactionId: null }),
  ];
  const outcomes = [['K1', 'ANSWERED', 'PROMISE_TO_PAY'], ['K2', 'ANSWERED', 'WRONG_NUMBER'], ['K3', 'BUSY', null], ['K4', 'ANSWERED', null]] as const;
  outcomes.forEach(([id, result, disposition], i) => {
    const s = 10 + i * 600;
    const interactionId = `ix-${campaignId}-${id}`;
    events.push(event('ContactScheduled', 0, { campaignId, contactId: id, customerId: `C-${id}`, phoneNumber: '+8613900000000', dueAt: t0, expiresAt: null, priority: 1, maxAttempts: 3, amountDue: null, utcOffsetMinutes: null }, { subject: `customer:C-${id}` }));
    events.push(event('DialAttempted', s, { campaignId, contactId: id, attemptId: `${id}#1`, attemptNumber: 1, interactionId, dialLevel: 2 }, { producer: 'streams/outbound' }));
    events.push(event('DialResult', s + 8, { campaignId, contactId: id, attemptId: `${id}#1`, result, ringMs: 8000, agentId: null, interactionId: result === 'ANSWERED' ? interactionId : null, sipCause: null }));
    if (result !== 'ANSWERED') return;
    events.push(event('InteractionStarted', s + 8, {
      interactionId, channel: 'VOICE', direction: 'OUTBOUND', callerNumber: null, dialledNumber: null, site: 'sh', previousInteractionId: null, campaignId, contactId: id, externalCallId: null,
    }, { interactionId, producer: 'streams/outbound' }));
    if (disposition === null) {
      events.push(event('DialResult', s + 11, { campaignId, contactId: id, attemptId: `${id}#1`, result: 'DROPPED', ringMs: null, agentId: null, interactionId, sipCause: null }, { producer: 'streams/outbound' }));
      return;
    }
    events.push(event('InteractionAnswered', s + 9, { agentId: 'ag-c1', offerId: null, queueId: 'outbound', queueWaitMs: 1000, ringMs: null }, { interactionId }));
    events.push(event('AgentStateChanged', s + 9, { agentId: 'ag-c1', state: 'BUSY', previousState: 'AVAILABLE', reasonCode: null, interactionId }));
    events.push(event('WrapUpCompleted', s + 300, { agentId: 'ag-c1', disposition, resolved: true, intent: null, ticketId: null, ticketFields: [], prefilledFieldsAccepted: 0, wrapUpMs: 30_000, followUpRequired: false }, { interactionId }));
    events.push(event('AgentStateChanged', s + 300, { agentId: 'ag-c1', state: 'AVAILABLE', previousState: 'WRAP_UP', reasonCode: null, interactionId: null }));
  });
  events.push(event('AgentLoggedOut', 3600, { agentId: 'ag-c1', reason: 'END_OF_SHIFT', sessionMs: 3_600_000 }));
  events.push(event('CampaignEnded', 3600, { campaignId, reason: 'COMPLETED', endedBy: 'ops-1', contactsTotal: 4, contactsReached: 2 }));
  return events;
}

describe('outbound campaigns route (real server, embedded log, real read model)', function () {
  this.timeout(120_000);
  let t: TestApi;
  let http: ReturnType<typeof request>;
  const range = { from: String(t0 - 3_600_000), to: String(t0 + 86_400_000) };

  before(async () => {
    t = await openReadModelApi(['outbound_campaigns'], campaign());
    http = request(t.api.url);
  });

  after(async () => {
    await t?.close();
  });

  it('answers per campaign: attempts, connects, right-party contacts, promises to pay, abandon rate, agent idle time, contacts per agent hour', async () => {
    const res = await http.get('/v1/analytics/outbound-campaigns').query({ ...range, campaignId }).set('authorization', `Bearer ${await t.token('supervisor')}`).expect(200);
    expect(res.body.items).to.have.length(1);
    expect(res.body.items[0]).to.include({
      campaignId, status: 'ENDED', dialMode: 'PREDICTIVE', agentGroup: 'collections', contacts: 4, attempts: 4, connects: 3, drops: 1, busy: 1,
      agentContacts: 2, rightPartyContacts: 1, promisesToPay: 1, wrongNumbers: 1, abandonRate: 0.3333, answerRate: 0.75, meanAgentWaitMs: 1000,
      staffedAgentHours: 1, contactsPerAgentHour: 2,
    });
    // Busy 9 s → 300 s of each of the two calls; available the rest of the hour.
    expect(res.body.items[0].agentIdleShare).to.equal(Math.round(((3_600_000 - 2 * 291_000) / 3_600_000) * 10_000) / 10_000);
  });

  it('refuses the wrong role with 403 and a bad campaign id with 422', async () => {
    for (const role of ['agent', 'compliance', 'ingest'] as const) {
      await http.get('/v1/analytics/outbound-campaigns').query(range).set('authorization', `Bearer ${await t.token(role)}`).expect(403);
    }
    const bad = await http.get('/v1/analytics/outbound-campaigns').query({ ...range, campaignId: "x' or 1=1" }).set('authorization', `Bearer ${await t.token('analyst')}`).expect(422);
    expect(bad.body.errors[0]).to.include({ field: 'campaignId', rule: 'pattern' });
  });
});
