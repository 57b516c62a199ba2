// Given a hand-made recording of one site, when a candidate routing policy is replayed over it,
// then the KPIs per queue and tier move the way the policy says (and the baseline — the recorded
// policy through the same simulation — reproduces what happened).
import { expect } from 'chai';
import { defaultWallboardSettings } from '../../projections/wallboard/wallboard.projection.ts';
import type { RoutingPolicyDocument } from '../../streams/routing/routing-policy.ts';
import { at, routing as ev } from '../../test/support/routing-events.ts';
import { resolveScenario } from '../../producers/simulator/scenario-files.ts';
import { simulateOffline } from '../../producers/simulator/offline-day.ts';
import { routingComponent, routingInputTypes, type RoutingInput } from '../../streams/routing/routing.decider.ts';
import { ALL } from './kpis.ts';
import { routingWhatIf, type RoutingWhatIfSite } from './routing-what-if.ts';

const fifo: RoutingPolicyDocument = { tiers: { VIP: { priority: 0 } }, agingPointsPerSecond: 1, queues: [{ id: 'cards', requiredSkills: [] }] };
const vipFirst: RoutingPolicyDocument = { tiers: { VIP: { priority: 1000 } }, agingPointsPerSecond: 1, queues: [{ id: 'cards', requiredSkills: [] }] };

/** One agent, A1; S1 is served 10 s → 70 s. S2 (STANDARD) queues at 12 s, V (VIP) at 13 s. */
function recording(tail: RoutingInput[]): RoutingInput[] {
  return [
    ev.policy(fifo, { seconds: 0 }),
    ...ev.ready('A1', {}, 1),
    ev.queued('S1', 'cards', 10),
    ev.answered('S1', 'A1', null, 10, 'cards'),
    ev.state('A1', 'BUSY', 10, 'S1'),
    ev.ended('S1', 60),
    ev.state('A1', 'WRAP_UP', 60, 'S1'),
    ev.state('A1', 'AVAILABLE', 70),
    ev.queued('S2', 'cards', 12, { tier: 'STANDARD' }),
    ev.queued('V', 'cards', 13, { tier: 'VIP' }),
    ...tail,
  ].sort((a, b) => a.metadata.occurredAt - b.metadata.occurredAt);
}

function whatIf(inputs: RoutingInput[], candidate: RoutingPolicyDocument): RoutingWhatIfSite {
  return routingWhatIf(inputs, { site: 'sh', from: at(5), to: at(3600), candidate: { policyId: 'candidate', text: JSON.stringify(candidate) }, settings: defaultWallboardSettings });
}

const row = (report: RoutingWhatIfSite, tier: string) => report.rows.find((r) => r.queue === 'cards' && r.tier === tier);

describe('routing what-if (pure)', () => {
  it('given FIFO service where the VIP waited behind a STANDARD caller, when VIPs get priority, then VIP ASA drops and STANDARD ASA rises by the VIP call\'s handle time', () => {
    // Recorded: S2 answered at 70 s (wait 58 s), then V at 130 s (wait 117 s).
    const inputs = recording([
      ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'S2'), ev.ended('S2', 120), ev.state('A1', 'WRAP_UP', 120, 'S2'), ev.state('A1', 'AVAILABLE', 130),
      ev.answered('V', 'A1', null, 130, 'cards'), ev.state('A1', 'BUSY', 130, 'V'), ev.ended('V', 180), ev.state('A1', 'WRAP_UP', 180, 'V'), ev.state('A1', 'AVAILABLE', 190),
    ]);
    const report = whatIf(inputs, vipFirst);
    expect(report.calls).to.equal(3);
    expect(row(report, 'VIP')?.actual?.asaMs).to.equal(117_000);
    expect(row(report, 'VIP')?.baseline?.asaMs).to.equal(117_000);
    expect(row(report, 'VIP')?.candidate?.asaMs).to.equal(57_000); // A1 frees at 70 s and takes V first
    expect(row(report, 'VIP')?.difference.asaMs).to.equal(-60_000);
    // STANDARD: S1 0 s and S2 58 s recorded; S2 now waits for V's recorded handle time (60 s) too.
    expect(row(report, 'STANDARD')?.actual?.asaMs).to.equal(29_000);
    expect(row(report, 'STANDARD')?.candidate?.asaMs).to.equal(59_000);
    expect(report.rows.find((r) => r.queue === ALL && r.tier === ALL)?.candidate).to.include({ offered: 3, answered: 3, abandoned: 0 });
    expect(report.candidate.answeredBeyondRecordedWait).to.equal(1); // S2 waited 118 s; recorded 58 s
    expect(report.policiesLeftOut).to.equal(0);
  });

  it('given a VIP who abandoned after 80 s behind a STANDARD caller, when VIPs get priority, then the VIP is answered within their recorded patience and the abandon rate falls', () => {
    const inputs = recording([
      ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'S2'), ev.ended('S2', 120), ev.state('A1', 'WRAP_UP', 120, 'S2'), ev.state('A1', 'AVAILABLE', 130),
      ev.abandoned('V', 93), ev.ended('V', 93),
    ]);
    const report = whatIf(inputs, vipFirst);
    expect(row(report, 'VIP')?.actual).to.include({ answered: 0, abandoned: 1, abandonRate: 1 });
    expect(row(report, 'VIP')?.baseline).to.include({ answered: 0, abandoned: 1 });
    expect(row(report, 'VIP')?.candidate).to.include({ answered: 1, abandoned: 0, abandonRate: 0, asaMs: 57_000 });
    expect(row(report, 'VIP')?.difference.abandonRate).to.equal(-1);
  });

  it('given a STANDARD caller who abandoned after 30 s, when the candidate still keeps them waiting past 30 s, then they abandon at 30 s again (recorded patience)', () => {
    // Recorded FIFO: S2 answered at 70 s. Had V (VIP) gone first, S2 would wait past 130 s; their patience is
    // censored (they were answered at 58 s), so they stay. A caller who did abandon keeps their patience:
    const inputs = recording([
      ev.queued('S3', 'cards', 14, { tier: 'STANDARD' }), ev.abandoned('S3', 44), ev.ended('S3', 44),
      ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'S2'), ev.ended('S2', 120), ev.state('A1', 'WRAP_UP', 120, 'S2'), ev.state('A1', 'AVAILABLE', 130),
      ev.answered('V', 'A1', null, 130, 'cards'), ev.state('A1', 'BUSY', 130, 'V'), ev.ended('V', 180), ev.state('A1', 'WRAP_UP', 180, 'V'), ev.state('A1', 'AVAILABLE', 190),
    ]);
    const report = whatIf(inputs, vipFirst);
    const standard = row(report, 'STANDARD');
    expect(standard?.actual).to.include({ offered: 3, answered: 2, abandoned: 1 });
    expect(standard?.candidate).to.include({ offered: 3, answered: 2, abandoned: 1 });
  });

  it('is deterministic: the same recording and candidate give the same report', () => {
    const inputs = recording([ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'S2'), ev.ended('S2', 120), ev.state('A1', 'AVAILABLE', 130)]);
    expect(JSON.stringify(whatIf(inputs, vipFirst))).to.equal(JSON.stringify(whatIf(inputs, vipFirst)));
  });

  it('given a simulated hour of a busy bank site, every recorded input is accepted, every reported call reaches an outcome, and the same calls are offered as happened', function () {
    this.timeout(60_000); // a shared 2-core machine: the simulated hour and two replays take a few seconds
    const start = Date.UTC(2026, 0, 5, 1, 0, 0);
    const inputs: RoutingInput[] = [];
    const accepted = new Set<string>(routingInputTypes);
    simulateOffline(resolveScenario('bank-day'), { seed: 11, start, site: 'sh', runTag: 'spec' }, 3_600_000, (event) => {
      if (accepted.has(event.type) && event.metadata.producer.component !== routingComponent) inputs.push(event as RoutingInput);
    });
    const report = routingWhatIf(inputs, { site: 'sh', from: start, to: start + 1_800_000, candidate: { policyId: 'fifo', text: JSON.stringify(fifo) }, settings: defaultWallboardSettings });
    expect(report.calls).to.be.greaterThan(50);
    expect(report.baseline).to.include({ rejectedInputs: 0, unresolvedCalls: 0 });
    expect(report.candidate).to.include({ rejectedInputs: 0, unresolvedCalls: 0 });
    const site = report.rows.find((r) => r.queue === ALL && r.tier === ALL);
    expect(site?.baseline?.offered).to.equal(site?.actual?.offered);
    expect(site?.candidate?.offered).to.equal(site?.actual?.offered);
    expect((site?.candidate?.answered ?? 0) + (site?.candidate?.abandoned ?? 0)).to.be.at.most(site?.candidate?.offered ?? 0).and.to.be.greaterThan(0);
  });

  it('leaves out recorded policy publications from the period start, so the candidate stays in force', () => {
    const inputs = recording([ev.policy(fifo, { seconds: 20, version: 2 }), ev.answered('S2', 'A1', null, 70, 'cards'), ev.state('A1', 'AVAILABLE', 130)]);
    const report = whatIf(inputs, vipFirst);
    expect(report.policiesLeftOut).to.equal(1);
    expect(row(report, 'VIP')?.candidate?.asaMs).to.equal(57_000);
  });
});
