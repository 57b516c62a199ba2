import { expect } from 'chai';
import type { LedgerEvent, LedgerEventMap } from '../../schemas/generated/events.ts';
import { deciderSpec } from '../../test/support/decider-spec.ts';
import type { Decision } from '../runtime/processor.ts';
import { parseCampaignConfig, type CampaignConfig } from './campaign-config.ts';
import { decide, fromSnapshot, initialState, toSnapshot, type DialerInput, type DialerState } from './dialer.decider.ts';

// Event time in seconds after Monday 2026-01-05 10:00 in China (UTC+8): inside the 09:00–20:00 window.
const t0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const at = (seconds: number): number => t0 + seconds * 1000;
let counter = 0;
function event<T extends DialerInput['type']>(type: T, seconds: number, data: LedgerEventMap[T], interactionId: string | null = null): LedgerEvent<T> {
  const eventId = `00000000-0000-4000-a000-${(++counter).toString(16).padStart(12, '0')}`;
  return {
    type, data,
    metadata: { eventId, eventType: type, occurredAt: at(seconds), recordedAt: at(seconds), sourceSystem: 'simulator', interactionId, correlationId: null, causationId: null, producer: { component: 'test', version: '1' }, dataSubject: null },
  } as LedgerEvent<T>;
}

const document = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  campaignId: 'overdue-11', version: 1, name: 'overdue card reminder', purpose: 'PAYMENT_REMINDER', script: 'reminder-v1', dialMode: 'PROGRESSIVE',
  site: 'sh', queueId: 'outbound', agentGroup: 'collections',
  abandonCap: { rate: 0.03 },
  callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1, 2, 3, 4, 5], open: '09:00', close: '20:00' }] },
  maxAttempts: 3, retryAfterMinutes: { NO_ANSWER: 60, BUSY: 15, VOICEMAIL: 120 },
  doNotCall: { customerIds: ['C-DNC'] },
  ...overrides,
});

const started = (overrides: Record<string, unknown> = {}, seconds = 0): DialerInput => {
  const config = { ...document(), ...overrides } as unknown as CampaignConfig;
  return event('CampaignStarted', seconds, {
    campaignId: config.campaignId, campaignVersion: config.version, name: config.name, purpose: config.purpose, dialMode: config.dialMode,
    config: JSON.stringify(config), maxDropRate: 0.03, startedBy: 'ops-1',
  });
};
const contact = (contactId: string, priority: number, options: { customerId?: string; utcOffsetMinutes?: number | null; maxAttempts?: number; dueSeconds?: number } = {}): DialerInput =>
  event('ContactScheduled', 0, {
    campaignId: 'overdue-11', contactId, customerId: options.customerId ?? `C-${contactId}`, phoneNumber: '+8613900000000', dueAt: at(options.dueSeconds ?? 0), expiresAt: null,
    priority, maxAttempts: options.maxAttempts ?? 3, amountDue: null, utcOffsetMinutes: options.utcOffsetMinutes ?? null,
  });
const agent = (agentId: string, seconds = 0): DialerInput[] => [
  event('AgentLoggedIn', seconds, { agentId, skills: [], teams: ['collections'], site: 'sh', cohort: null, station: null, supervisorId: null }),
  event('AgentStateChanged', seconds, { agentId, state: 'AVAILABLE', previousState: 'UNKNOWN', reasonCode: null, interactionId: null }),
];
const tick = (seconds: number): DialerInput => event('RoutingClockTicked', seconds, { site: 'sh', now: at(seconds), sequence: seconds });
const result = (contactId: string, attempt: number, outcome: LedgerEventMap['DialResult']['result'], seconds: number, interactionId: string | null = null): DialerInput =>
  event('DialResult', seconds, { campaignId: 'overdue-11', contactId, attemptId: `${contactId}#${attempt}`, result: outcome, ringMs: 8000, agentId: null, interactionId, sipCause: null });

const spec = deciderSpec<DialerState, DialerInput, Decision>({ initialState, decide });
const dialled = (outputs: readonly Decision[]): string[] => outputs.filter((o) => o.type === 'DialAttempted').map((o) => (o.data as LedgerEventMap['DialAttempted']).contactId);

/** Runs inputs through one state, returning every decision. */
function run(inputs: readonly DialerInput[], state: DialerState = initialState()): Decision[] {
  return inputs.flatMap((input) => decide(input, state));
}

describe('outbound dialer decider', () => {
  describe('campaign configuration', () => {
    it('refuses a campaign whose dial mode is not a pacing mode, naming the field and the rule', () => {
      spec.given([]).when(started({ dialMode: 'TURBO' })).thenRejects(/config: campaign configuration is invalid: dialMode: .*\[enum\]/, (state) => expect(state.campaigns.size).to.equal(0));
    });

    it('refuses a calling window that closes before it opens', () => {
      expect(() => parseCampaignConfig(document({ callingWindows: { defaultUtcOffsetMinutes: 480, weekly: [{ days: [1], open: '20:00', close: '09:00' }] } })))
        .to.throw(/callingWindows\.weekly\.0\.close: must be after open \[after-open\]/);
    });

    it('refuses an abandon cap above 20% and a missing retry spacing', () => {
      expect(() => parseCampaignConfig(document({ abandonCap: { rate: 0.5 }, retryAfterMinutes: { NO_ANSWER: 60, BUSY: 15 } })))
        .to.throw(/abandonCap\.rate: .*\[maximum\].*retryAfterMinutes\.VOICEMAIL: .*\[required\]|retryAfterMinutes\.VOICEMAIL: .*\[required\].*abandonCap\.rate: .*\[maximum\]/);
    });

    it('refuses contacts and results of a campaign that never started', () => {
      spec.given([]).when(contact('K1', 5)).thenRejects(/campaignId: no CampaignStarted for campaign 'overdue-11' \[unknown-campaign\]/);
    });

    it('refuses an older configuration version once a newer one runs', () => {
      spec.given([started({ version: 2 })]).when(started({ version: 1 })).thenRejects(/campaignVersion: 1 is older than the running version 2 \[increasing\]/);
    });
  });

  describe('progressive pacing (1:1)', () => {
    it('dials one contact per free agent, highest priority first', () => {
      spec.given([started(), contact('K1', 5), contact('K2', 50), contact('K3', 20), ...agent('A1'), ...agent('A2')]).when(tick(1)).then([
        { type: 'DialAttempted', data: { contactId: 'K2', attemptId: 'K2#1', attemptNumber: 1, dialLevel: null } },
        { type: 'DialAttempted', data: { contactId: 'K3', attemptId: 'K3#1', attemptNumber: 1, dialLevel: null } },
      ]);
    });

    it('does not dial again while the lines placed cover the free agents', () => {
      spec.given([started(), contact('K1', 5), contact('K2', 50), ...agent('A1'), tick(1)]).when(tick(2)).then([]);
    });

    it('dials nothing while paused, and again once resumed', () => {
      const pause = event('CampaignPaused', 0, { campaignId: 'overdue-11', reason: 'complaint review', pausedBy: 'sup-1', automatic: false });
      spec.given([started(), contact('K1', 5), ...agent('A1'), pause]).when(tick(1)).then([]);
      const resume = event('CampaignResumed', 2, { campaignId: 'overdue-11', resumedBy: 'sup-1' });
      spec.given([started(), contact('K1', 5), ...agent('A1'), pause, tick(1), resume]).when(tick(3)).then([{ type: 'DialAttempted', data: { contactId: 'K1' } }]);
    });
  });

  describe('preview pacing', () => {
    it('holds the contact for the agent to read, then dials it', () => {
      const given = [started({ dialMode: 'PREVIEW', pacing: { previewSeconds: 20 } }), contact('K1', 5), ...agent('A1'), tick(1)];
      spec.given(given).when(tick(20)).then([]);
      spec.given(given).when(tick(21)).then([{ type: 'DialAttempted', data: { contactId: 'K1', attemptNumber: 1 } }]);
    });
  });

  describe('predictive pacing and the abandon cap', () => {
    /** 600 dials, one in three answered (200 connected calls, each taken by an agent at once unless dropped), dialled 1:1; then the campaign turns predictive. */
    function history(drops: number): DialerInput[] {
      const inputs: DialerInput[] = [started({ abandonCap: { rate: 0.03, rollingWindowMinutes: 60 } }), ...agent('A1')];
      const h = (i: number): string => `H${String(i).padStart(3, '0')}`;
      for (let i = 0; i < 600; i++) inputs.push(contact(h(i), 1000));
      for (let i = 0; i < 30; i++) inputs.push(contact(`K${i}`, 1));
      let dropped = 0;
      for (let i = 0; i < 600; i++) {
        const s = 10 + i * 5;
        inputs.push(tick(s));
        const interactionId = `ix-${i}`;
        if (i % 3 !== 0) {
          inputs.push(result(h(i), 1, 'NO_ANSWER', s + 1));
          continue;
        }
        inputs.push(result(h(i), 1, 'ANSWERED', s + 1, interactionId));
        if (dropped++ < drops) inputs.push(tick(s + 4));
        else inputs.push(event('InteractionAnswered', s + 1, { agentId: 'A1', offerId: null, queueId: 'outbound', queueWaitMs: null, ringMs: null }, interactionId));
      }
      inputs.push(started({ version: 2, dialMode: 'PREDICTIVE', abandonCap: { rate: 0.03, rollingWindowMinutes: 60 } }, 3005));
      for (let i = 2; i <= 10; i++) inputs.push(...agent(`A${i}`, 3005));
      return inputs;
    }

    it('dials 1:1 while it has no abandon record (learning)', () => {
      spec.given([started({ dialMode: 'PREDICTIVE' }), ...Array.from({ length: 30 }, (_, i) => contact(`K${i}`, 1)), ...['A1', 'A2', 'A3'].flatMap((a) => agent(a))])
        .when(tick(1)).thenCheck((outputs) => expect(dialled(outputs)).to.have.length(3));
    });

    it('dials more lines than free agents once the record leaves room under the cap, naming the dial level', () => {
      spec.given(history(0)).when(tick(3006)).thenCheck((outputs) => {
        expect(dialled(outputs).length).to.be.greaterThan(10);
        expect((outputs[0].data as LedgerEventMap['DialAttempted']).dialLevel).to.be.greaterThan(1);
      });
    });

    it('falls back to 1:1 when one more drop would take the abandon rate past the back-off threshold of the cap', () => {
      // 5 drops of 200 connected calls: 2.5% ≥ 80% of 3%.
      spec.given(history(5)).when(tick(3006)).thenCheck((outputs) => expect(dialled(outputs)).to.have.length(10));
    });
  });

  describe('calling windows', () => {
    it('does not call a customer before 09:00 in their own time zone, and calls them once it opens', () => {
      // 10:00 in China is 11:00 in Seoul (UTC+9) and 02:00 in London (UTC+0).
      spec.given([started(), contact('K-london', 100, { utcOffsetMinutes: 0 }), contact('K-seoul', 1, { utcOffsetMinutes: 540 }), ...agent('A1'), ...agent('A2')])
        .when(tick(1)).then([{ type: 'DialAttempted', data: { contactId: 'K-seoul' } }]);
      const nineInLondon = 7 * 3600;
      spec.given([started(), contact('K-london', 100, { utcOffsetMinutes: 0 }), ...agent('A1')]).when(tick(nineInLondon)).then([{ type: 'DialAttempted', data: { contactId: 'K-london' } }]);
      spec.given([started(), contact('K-london', 100, { utcOffsetMinutes: 0 }), ...agent('A1')]).when(tick(nineInLondon - 1)).then([]);
    });

    it('does not call on a day outside the weekly window', () => {
      const saturday = 5 * 86_400;
      spec.given([started(), contact('K1', 1, { dueSeconds: saturday }), ...agent('A1')]).when(tick(saturday + 60)).then([]);
    });
  });

  describe('retries', () => {
    it('redials a busy number after the busy spacing, not before', () => {
      const given = [started(), contact('K1', 1), ...agent('A1'), tick(1), result('K1', 1, 'BUSY', 5)];
      spec.given(given).when(tick(5 + 15 * 60 - 1)).then([]);
      spec.given(given).when(tick(5 + 15 * 60)).then([{ type: 'DialAttempted', data: { contactId: 'K1', attemptId: 'K1#2', attemptNumber: 2 } }]);
    });

    it('gives up after the contact\'s maximum attempts', () => {
      const given = [started(), contact('K1', 1, { maxAttempts: 2 }), ...agent('A1'), tick(1), result('K1', 1, 'NO_ANSWER', 31), tick(3700), result('K1', 2, 'VOICEMAIL', 3720)];
      spec.given(given).when(tick(3720 + 121 * 60)).thenCheck((outputs, state) => {
        expect(outputs).to.deep.equal([]);
        expect(state.campaigns.get('overdue-11')?.contacts.get('K1')).to.include({ status: 'DONE', outcome: 'ATTEMPTS_EXHAUSTED', attempts: 2 });
      });
    });

    it('refuses a result for a dial that is not in flight', () => {
      spec.given([started(), contact('K1', 1)]).when(result('K1', 1, 'BUSY', 5)).thenRejects(/attemptId: 'K1#1' is not a dial in flight .*\[unknown-attempt\]/);
    });
  });

  describe('do-not-call', () => {
    it('never dials a customer on the do-not-call list', () => {
      spec.given([started(), contact('K1', 100, { customerId: 'C-DNC' }), contact('K2', 1), ...agent('A1')]).when(tick(1)).thenCheck((outputs, state) => {
        expect(dialled(outputs)).to.deep.equal(['K2']);
        expect(state.campaigns.get('overdue-11')?.contacts.get('K1')).to.include({ status: 'DONE', outcome: 'DO_NOT_CALL', attempts: 0 });
      });
    });

    it('applies a do-not-call list published with a new configuration version to contacts already scheduled', () => {
      spec.given([started(), contact('K1', 100, { customerId: 'C-9' }), started({ version: 2, doNotCall: { customerIds: ['C-9'] } }), ...agent('A1')]).when(tick(1)).then([]);
    });
  });

  describe('connected calls', () => {
    it('enter routing as outbound interactions with the customer identified for the screen pop', () => {
      const given = [started(), contact('K1', 1, { customerId: 'C-1001' }), ...agent('A1'), tick(1)];
      spec.given(given).when(result('K1', 1, 'ANSWERED', 9, 'ix-k1')).then([
        { type: 'InteractionStarted', interactionId: 'ix-k1', dataSubject: 'customer:C-1001', data: { direction: 'OUTBOUND', channel: 'VOICE', site: 'sh', campaignId: 'overdue-11', contactId: 'K1' } },
        { type: 'CustomerIdentified', interactionId: 'ix-k1', data: { customerId: 'C-1001' } },
        { type: 'QueueEntered', interactionId: 'ix-k1', data: { queueId: 'outbound', priority: 1000, intent: 'payment_reminder' } },
      ]);
    });

    it('ask routing for the skills the campaign names, so only the campaign\'s agents are offered them', () => {
      const given = [started({ requiredSkills: [{ skill: 'collections', minProficiency: 3 }] }), contact('K1', 1, { customerId: 'C-1001' }), ...agent('A1'), tick(1)];
      spec.given(given).when(result('K1', 1, 'ANSWERED', 9, 'ix-k1')).then([
        { type: 'InteractionStarted' },
        { type: 'CustomerIdentified' },
        { type: 'QueueEntered', data: { queueId: 'outbound', requiredSkills: [{ skill: 'collections', minProficiency: 3 }] } },
      ]);
    });

    it('count a call with no agent within the grace as dropped, and retry the contact after the dropped spacing', () => {
      const given = [started(), contact('K1', 1), ...agent('A1'), tick(1), result('K1', 1, 'ANSWERED', 9, 'ix-k1')];
      spec.given(given).when(tick(12)).thenCheck((outputs, state) => {
        expect(outputs.map((o) => ({ type: o.type, ...(o.data as object) }))).to.deep.include({
          type: 'DialResult', campaignId: 'overdue-11', contactId: 'K1', attemptId: 'K1#1', result: 'DROPPED', ringMs: null, agentId: null, interactionId: 'ix-k1', sipCause: null,
        });
        const campaign = state.campaigns.get('overdue-11');
        expect(campaign?.totals).to.include({ connects: 1, drops: 1 });
        expect(campaign?.contacts.get('K1')).to.include({ status: 'PENDING', dueAt: at(12) + 1440 * 60_000 });
      });
      spec.given([...given, event('InteractionAnswered', 10, { agentId: 'A1', offerId: null, queueId: 'outbound', queueWaitMs: 1000, ringMs: null }, 'ix-k1')]).when(tick(12)).thenCheck((_outputs, state) => {
        const campaign = state.campaigns.get('overdue-11');
        expect(campaign?.totals).to.include({ connects: 1, drops: 0, reached: 1 });
        expect(campaign?.contacts.get('K1')).to.include({ status: 'DONE', outcome: 'REACHED' });
      });
    });
  });

  it('decides the same after a snapshot round trip as without one', () => {
    const straight = initialState();
    const first = dialled(run([started({ dialMode: 'PREDICTIVE' }), ...Array.from({ length: 40 }, (_, i) => contact(`K${i}`, i % 7, { utcOffsetMinutes: i % 3 === 0 ? 540 : null })), ...['A1', 'A2', 'A3'].flatMap((a) => agent(a)), tick(1)], straight));
    expect(first).to.have.length(3);
    run([result(first[0], 1, 'BUSY', 3)], straight);
    const rest = [tick(4), result(first[1], 1, 'ANSWERED', 6, 'ix-1'), tick(10), tick(15 * 60 + 5), tick(15 * 60 + 6)];
    const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(straight))));
    expect(run(rest, restored)).to.deep.equal(run(rest, straight));
  });
});
