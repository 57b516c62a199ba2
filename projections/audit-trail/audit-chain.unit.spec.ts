import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { canonicalJson, ChainVerifier, GENESIS_HASH, rowHash, type AuditContent, type AuditRow } from './audit-chain.ts';

const content: AuditContent = {
  subject: 'interaction:ix-1', chain: 'decisions', seq: 1, event_id: 'e-1', event_type: 'RiskAlertRaised', occurred_at: '2026-11-26T02:00:00.000Z',
  kind: 'decision', interaction_id: 'ix-1', customer_id: null, actor: 'streams/risk@1', role: null, policy: '{"ruleId":"fraud","ruleVersion":3}', purpose: null,
  detail: '{"kind":"FRAUD_WORDS","note":"安全账户"}',
};

function chainOf(n: number): AuditRow[] {
  const rows: AuditRow[] = [];
  let previous = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const c = { ...content, seq, event_id: `e-${seq}` };
    const hash = rowHash(previous, c);
    rows.push({ ...c, prev_hash: previous, hash });
    previous = hash;
  }
  return rows;
}

function verify(rows: readonly AuditRow[]): ChainVerifier {
  const verifier = new ChainVerifier('interaction:ix-1', 'decisions');
  for (const row of rows) verifier.next(row);
  return verifier;
}

describe('audit chain', () => {
  describe('the row hash', () => {
    it('is SHA-256 of the previous hash bytes and the row content as canonical JSON, as docs/security.md writes it out', () => {
      // Written by hand from the documented rule, not by the code under test.
      const canonical = '{"actor":"streams/risk@1","chain":"decisions","customer_id":null,"detail":"{\\"kind\\":\\"FRAUD_WORDS\\",\\"note\\":\\"安全账户\\"}",'
        + '"event_id":"e-1","event_type":"RiskAlertRaised","interaction_id":"ix-1","kind":"decision","occurred_at":"2026-11-26T02:00:00.000Z",'
        + '"policy":"{\\"ruleId\\":\\"fraud\\",\\"ruleVersion\\":3}","purpose":null,"role":null,"seq":1,"subject":"interaction:ix-1"}';
      const expected = createHash('sha256').update(Buffer.alloc(32)).update(Buffer.from(canonical, 'utf8')).digest('hex');
      expect(rowHash(GENESIS_HASH, content)).to.equal(expected);
    });

    it('ignores columns outside the content (prev_hash, hash, extra columns a reader adds)', () => {
      const [row] = chainOf(1);
      expect(rowHash(GENESIS_HASH, { ...row, extra: 'x' } as AuditContent)).to.equal(row.hash);
    });
  });

  describe('canonical JSON', () => {
    it('sorts keys at every level, writes no whitespace and drops undefined members', () => {
      expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: true, z: undefined })).to.equal('{"a":true,"b":[1,{"c":"x","d":null}]}');
    });

    it('refuses numbers JSON cannot carry', () => {
      expect(() => canonicalJson({ score: Number.NaN })).to.throw(/NaN/);
    });
  });

  describe('verifying a chain', () => {
    it('accepts an untouched chain', () => {
      const verifier = verify(chainOf(4));
      expect(verifier.broken).to.equal(null);
      expect(verifier.rows).to.equal(4);
    });

    it('names the row whose column was edited, with the expected and stored hash', () => {
      const rows = chainOf(4);
      rows[2] = { ...rows[2], policy: '{"ruleId":"fraud","ruleVersion":4}' };
      expect(verify(rows).broken).to.deep.equal({
        subject: 'interaction:ix-1', chain: 'decisions', seq: 3, eventId: 'e-3', reason: 'content-changed', expected: rowHash(rows[1].hash, rows[2]), stored: rows[2].hash,
      });
    });

    it('names the gap a deleted row leaves', () => {
      const rows = chainOf(4);
      rows.splice(1, 1);
      expect(verify(rows).broken).to.include({ seq: 2, reason: 'row-missing-or-reordered', stored: 'seq 3' });
    });

    it('catches two rows swapped with their seq numbers', () => {
      const rows = chainOf(4);
      const swapped = [rows[0], { ...rows[2], seq: 2 }, { ...rows[1], seq: 3 }, rows[3]];
      expect(verify(swapped).broken).to.include({ seq: 2, reason: 'previous-hash-changed' });
    });

    it('catches a row re-hashed after an edit by the next row\'s link', () => {
      const rows = chainOf(3);
      const edited = { ...rows[1], detail: '{}' };
      rows[1] = { ...edited, hash: rowHash(rows[0].hash, edited) };
      expect(verify(rows).broken).to.include({ seq: 3, reason: 'previous-hash-changed' });
    });
  });
});
