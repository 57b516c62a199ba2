// Given a recorded site stream, then each queue visit's facts: outcome, wait, patience (observed,
// or for answered callers the tier's Kaplan–Meier conditional median beyond their wait), handle times.
import { expect } from 'chai';
import { routing as ev } from '../../test/support/routing-events.ts';
import { recordedFacts, visitKey } from './routing-facts.ts';

/** One agent busy with S1 10 → 70 s; STANDARD callers S2 and S3 give up after 30 s and 40 s; V (VIP) is answered at 70 s, S4 at 130 s; S5 gives up after 150 s. */
const inputs = [
  ...ev.ready('A1', {}, 1),
  ev.queued('S1', 'cards', 10), ev.answered('S1', 'A1', null, 10, 'cards'), ev.state('A1', 'BUSY', 10, 'S1'),
  ev.queued('S2', 'cards', 12), ev.queued('S3', 'cards', 14), ev.queued('V', 'cards', 15, { tier: 'VIP' }), ev.queued('S4', 'cards', 16), ev.queued('S5', 'cards', 17),
  ev.abandoned('S2', 42), ev.abandoned('S3', 54),
  ev.ended('S1', 60), ev.state('A1', 'WRAP_UP', 60, 'S1'), ev.state('A1', 'AVAILABLE', 70),
  ev.answered('V', 'A1', null, 70, 'cards'), ev.state('A1', 'BUSY', 70, 'V'), ev.ended('V', 120), ev.state('A1', 'AVAILABLE', 130),
  ev.answered('S4', 'A1', null, 130, 'cards'), ev.state('A1', 'BUSY', 130, 'S4'), ev.abandoned('S5', 167), ev.ended('S4', 180), ev.state('A1', 'WRAP_UP', 180, 'S4'), ev.state('A1', 'AVAILABLE', 190),
];
const facts = recordedFacts(inputs);
const visit = (id: string) => facts.visits.get(visitKey(id, `${id}-v1`));

describe('recorded facts of a routing stream (pure)', () => {
  it('keeps observed patience for callers who gave up', () => {
    expect(visit('S2')).to.include({ outcome: 'abandoned', waitedMs: 30_000, patienceMs: 30_000 });
    expect(visit('S5')).to.include({ outcome: 'abandoned', waitedMs: 150_000, patienceMs: 150_000 });
  });

  it('gives an answered caller the tier\'s conditional median patience beyond their wait (Kaplan–Meier), or none when the curve does not fall that far', () => {
    // STANDARD waits: S1 0 s answered, S2 30 s and S3 40 s gave up, S4 114 s answered, S5 150 s gave up.
    // Survival after 40 s is 1/3; at 150 s it falls to 0 ≤ 1/6, so S4 (censored at 114 s) would wait 150 s.
    expect(visit('S4')).to.include({ outcome: 'answered', waitedMs: 114_000, patienceMs: 150_000 });
    // Nobody of the VIP tier gave up: the VIP waits as long as needed.
    expect(visit('V')).to.include({ outcome: 'answered', patienceMs: null });
  });

  it('measures talk and after-call work of answered calls, and gives unanswered ones the queue\'s means', () => {
    expect(visit('S4')).to.include({ talkMs: 50_000, handleMs: 60_000, timesRecorded: true, lastVisit: true });
    expect(visit('V')).to.include({ talkMs: 50_000, handleMs: 60_000 });
    expect(visit('S1')).to.include({ talkMs: 50_000, handleMs: 60_000 });
    expect(visit('S2')).to.include({ talkMs: 50_000, handleMs: 60_000, timesRecorded: false });
  });

  it('lists routed interactions and their first queue entry', () => {
    expect([...facts.routedInteractions].sort()).to.deep.equal(['S1', 'S2', 'S3', 'S4', 'S5', 'V']);
    expect(facts.firstQueueEntry.get('S4')).to.equal(inputs.find((i) => i.type === 'QueueEntered' && i.metadata.interactionId === 'S4')?.metadata.occurredAt);
  });
});
