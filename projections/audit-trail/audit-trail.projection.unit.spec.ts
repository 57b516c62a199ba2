import { expect } from 'chai';
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../schemas/generated/events.ts';
import { sampleEvent } from '../../schemas/fixtures/samples.ts';
import { deterministicUuid } from '../testing/builders.ts';
import { interleave, project, projectionSpec } from '../testing/projection-spec.ts';
import { ChainVerifier, GENESIS_HASH, type AuditRow } from './audit-chain.ts';
import { auditTrailLogic } from './audit-trail.projection.ts';
import { auditTrailReadModel } from './audit-trail.read-model.ts';

const model = { logic: auditTrailLogic, tables: auditTrailReadModel().tables };
const t0 = Date.UTC(2026, 10, 26, 2, 0, 0);
let counter = 0;

/** A sample event of the type, re-addressed to an interaction, a time and a producer. */
function event<T extends LedgerEventType>(type: T, interactionId: string | null, seconds: number, data: Partial<LedgerEventMap[T]> = {}, component = 'streams/risk'): AnyLedgerEvent {
  const sample = sampleEvent(type);
  counter += 1;
  return {
    ...sample,
    metadata: { ...sample.metadata, eventId: deterministicUuid(`${type}#${counter}`), interactionId, occurredAt: t0 + seconds * 1000, producer: { component, version: '4' } },
    data: { ...sample.data, ...data },
  } as AnyLedgerEvent;
}

const access = (actorId: string, interactionId: string | null, customerId: string | null, seconds: number) =>
  event('DataAccessed', null, seconds, { actorId, interactionId, customerId, role: 'COMPLIANCE', fieldsRevealed: ['data.summary'] }, 'api');

function callWithDecisions(id: string): AnyLedgerEvent[] {
  return [
    event('RoutingDecided', id, 1, {}, 'streams/routing'),
    event('CustomerIdentified', id, 2, { customerId: `C-${id}` }, 'producers/ivr'),
    event('RiskAlertRaised', id, 3, { evidence: [{ segmentId: 's1', startOffset: 0, endOffset: 4, term: '安全账户', matchedText: 'pii:v1:AAAA' }] }),
    event('QaScoreComputed', id, 4, {}, 'streams/qa'),
    event('InteractionEnded', id, 5, {}, 'producers/telephony'),
  ];
}

const rowsOf = (tables: { rows(table: string): Record<string, unknown>[] }) => tables.rows('entries') as unknown as AuditRow[];

describe('audit trail projection', () => {
  describe('when a routed call raises a risk alert and is scored', () => {
    const call = callWithDecisions('ix-1');

    it('appends one row per decision to the interaction\'s decision chain, linked by hash', () => {
      projectionSpec(model).given(call).when().then((tables) => {
        const rows = rowsOf(tables);
        expect(rows.map((r) => [r.subject, r.chain, r.seq, r.event_type])).to.deep.equal([
          ['interaction:ix-1', 'decisions', 1, 'RoutingDecided'], ['interaction:ix-1', 'decisions', 2, 'RiskAlertRaised'], ['interaction:ix-1', 'decisions', 3, 'QaScoreComputed'],
        ]);
        expect(rows[0].prev_hash).to.equal(GENESIS_HASH);
        expect(rows[1].prev_hash).to.equal(rows[0].hash);
        expect(rows[2].prev_hash).to.equal(rows[1].hash);
      });
    });

    it('records the policy version apart from the inputs, the deciding component, and the customer once identified', () => {
      projectionSpec(model).given(call).when().then((tables) => {
        const [routing, risk, qa] = rowsOf(tables);
        expect(JSON.parse(routing.policy ?? '')).to.deep.equal({ policyId: 'routing-main', policyVersion: 7, cohort: 'CURRENT' });
        expect(JSON.parse(routing.detail).candidates).to.have.length(3);
        expect(routing).to.include({ actor: 'streams/routing@4', kind: 'decision', customer_id: null });
        expect(JSON.parse(risk.policy ?? '')).to.deep.equal({ ruleId: 'risk-main/fraud-words.safe-account', ruleVersion: 23 });
        expect(risk.customer_id).to.equal('C-ix-1');
        expect(JSON.parse(qa.policy ?? '')).to.have.keys('rulesId', 'rulesVersion');
      });
    });

    it('keeps a personal field\'s place in the evidence but not its ciphertext', () => {
      projectionSpec(model).given(call).when().then((tables) => {
        const risk = rowsOf(tables)[1];
        expect(JSON.parse(risk.detail).evidence).to.deep.equal([{ segmentId: 's1', startOffset: 0, endOffset: 4, term: '安全账户', matchedText: '[personal]' }]);
        expect(risk.detail).not.to.include('pii:v1:');
      });
    });
  });

  describe('when people read customer data', () => {
    it('chains each actor\'s accesses per interaction, or per customer when no interaction is named', () => {
      const events = [access('officer-1', 'ix-1', 'C-1', 10), access('officer-2', 'ix-1', 'C-1', 11), access('officer-1', 'ix-1', 'C-1', 12), access('officer-1', null, 'C-1', 13)];
      projectionSpec(model).given().when(events).then((tables) => {
        const rows = rowsOf(tables);
        expect(rows.map((r) => [r.subject, r.chain, r.seq])).to.deep.equal([
          ['customer:C-1', 'accesses:officer-1', 1],
          ['interaction:ix-1', 'accesses:officer-1', 1], ['interaction:ix-1', 'accesses:officer-1', 2],
          ['interaction:ix-1', 'accesses:officer-2', 1],
        ]);
        const first = rows[1];
        expect(first).to.include({ kind: 'access', actor: 'officer-1', role: 'COMPLIANCE', purpose: 'serving the call (screen pop)', customer_id: 'C-1', policy: null });
        expect(JSON.parse(first.detail)).to.include({ action: 'DECRYPT', outcome: 'ALLOWED' });
        expect(JSON.parse(first.detail).fieldsRevealed).to.deep.equal(['data.summary']);
      });
    });
  });

  describe('when an event is delivered twice', () => {
    it('appends it once', () => {
      const call = callWithDecisions('ix-2');
      projectionSpec(model).given(call).when(call[2]).then((tables) => {
        expect(rowsOf(tables).map((r) => r.event_type)).to.deep.equal(['RoutingDecided', 'RiskAlertRaised', 'QaScoreComputed']);
      });
    });
  });

  describe('when interactions and actors arrive interleaved differently (live against a rebuild)', () => {
    it('produces the same rows and hashes, and every chain verifies', () => {
      const streams = [callWithDecisions('ix-a'), callWithDecisions('ix-b'), [access('officer-1', 'ix-a', null, 20), access('officer-1', 'ix-b', null, 21)], [access('officer-2', 'ix-a', null, 22)]];
      const live = rowsOf(project(model, interleave(streams, (i) => i * 7 + 3), undefined, 3).tables);
      const rebuilt = rowsOf(project(model, streams.flat(), undefined, 1000).tables);
      expect(rebuilt).to.deep.equal(live);
      expect(live).to.have.length(9);
      const verifiers = new Map<string, ChainVerifier>();
      for (const row of live) {
        const key = `${row.subject} ${row.chain}`;
        const verifier = verifiers.get(key) ?? new ChainVerifier(row.subject, row.chain);
        verifiers.set(key, verifier);
        verifier.next(row);
      }
      expect([...verifiers.values()].map((v) => v.broken)).to.deep.equal([null, null, null, null, null]);
    });
  });

  describe('when other events of the interaction arrive', () => {
    it('appends nothing for them', () => {
      projectionSpec(model).given(event('InteractionEnded', 'ix-3', 1, {}, 'producers/telephony'), event('CustomerIdentified', 'ix-3', 0, {}, 'producers/ivr')).when().then((tables) => {
        expect(rowsOf(tables)).to.deep.equal([]);
      });
    });
  });
});
