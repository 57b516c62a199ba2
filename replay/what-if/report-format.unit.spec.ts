// The what-if report rendered for a terminal and for a spreadsheet: every row, both sides and the
// difference, units shown (points for rates, seconds for ASA).
import { expect } from 'chai';
import { whatIfCsv, whatIfTable } from './report-format.ts';
import type { WhatIfReport } from './what-if.ts';

const kpis = (asaMs: number, serviceLevel: number) => ({ offered: 10, answered: 9, abandoned: 1, serviceLevel, asaMs, abandonRate: 0.1 });
const routing: WhatIfReport = {
  kind: 'routing', from: '2026-01-05T00:00:00.000Z', to: '2026-01-06T00:00:00.000Z', policyId: 'vip-first',
  sites: [{
    site: 'sh', inputsReplayed: 120, calls: 10, policiesLeftOut: 0,
    baseline: { rejectedInputs: 0, unresolvedCalls: 0, answeredBeyondRecordedWait: 0 }, candidate: { rejectedInputs: 0, unresolvedCalls: 1, answeredBeyondRecordedWait: 2 },
    rows: [{ site: 'sh', queue: 'cards', tier: 'VIP', actual: kpis(117_000, 0.5), baseline: kpis(117_000, 0.5), candidate: kpis(57_000, 0.75), difference: { offered: 0, answered: 0, abandoned: 0, serviceLevel: 0.25, asaMs: -60_000, abandonRate: 0 } }],
  }],
};

describe('what-if report formats', () => {
  it('shows each queue and tier as actual → candidate with the difference in points and seconds', () => {
    const table = whatIfTable(routing);
    expect(table).to.include('site sh: 10 calls');
    expect(table).to.include('2 answered after a longer wait than recorded');
    expect(table).to.include('cards\tVIP\t10 → 10 (+0)');
    expect(table).to.include('50.0% → 75.0% (+25.0 pts)');
    expect(table).to.include('117.0s → 57.0s (-60.0s)');
  });

  it('writes one CSV row per site, queue and tier with actual, baseline, candidate and difference per metric', () => {
    const [header, row] = whatIfCsv(routing).trim().split('\n');
    expect(header.split(',').slice(0, 7)).to.deep.equal(['site', 'queue', 'tier', 'actual_offered', 'baseline_offered', 'candidate_offered', 'difference_offered']);
    const cells = Object.fromEntries(header.split(',').map((name, i) => [name, row.split(',')[i]]));
    expect(cells).to.include({ site: 'sh', queue: 'cards', tier: 'VIP', actual_asaMs: '117000', candidate_asaMs: '57000', difference_asaMs: '-60000' });
  });

  it('lists a rule set\'s counts per rule and its examples with the matched rule terms', () => {
    const report: WhatIfReport = {
      kind: 'risk', outcome: 'RiskAlertRaised', from: 'a', to: 'b', candidateVersion: 3, interactions: 2, eventsReplayed: 8, baseline: 1, candidate: 1, added: 1, removed: 1,
      byRule: [{ ruleId: 'fraud.gift-card', baseline: 0, candidate: 1, added: 1, removed: 0 }, { ruleId: 'fraud.safe-account', baseline: 1, candidate: 0, added: 0, removed: 1 }],
      examples: { added: [{ interactionId: 'ix-1', ruleId: 'fraud.gift-card', kind: 'FRAUD_WORDS', severity: 'MEDIUM', explanation: null, terms: ['gift cards'] }], removed: [] },
    };
    expect(whatIfTable(report)).to.include('fraud.gift-card\t0\t1\t1\t0').and.to.include('added: ix-1 fraud.gift-card FRAUD_WORDS MEDIUM [gift cards]');
    expect(whatIfCsv(report)).to.equal('rule,recorded,candidate,added,removed\nfraud.gift-card,0,1,1,0\nfraud.safe-account,1,0,0,1\n');
  });
});
