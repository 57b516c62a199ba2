// The figures a simulated day is calibrated against (docs/simulator.md), computed from the events
// themselves: queued calls and their outcome per tier (abandonment = abandoned ÷ calls that
// entered a queue, first visit), service times (answer → end or transfer of the agent leg), the
// share of services under 10 s, patience (waits of abandoned callers) with the spike after the
// position announcement, IVR containment and abandonment, and arrivals per local hour.
import type { AnyLedgerEvent, CustomerTier } from '../../schemas/generated/events.ts';

export interface TierFigures {
  readonly queued: number;
  readonly abandoned: number;
  readonly abandonRate: number;
}

export interface DayStatistics {
  readonly contacts: number;
  readonly ivr: { readonly entered: number; readonly selfServed: number; readonly abandoned: number };
  readonly queued: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly abandonRate: number;
  readonly byTier: Readonly<Partial<Record<CustomerTier, TierFigures>>>;
  /** VIP + PRIORITY share of queued calls. */
  readonly highPriorityShareOfQueued: number;
  readonly service: { readonly count: number; readonly meanSeconds: number; readonly shareUnder10s: number; readonly meanByQueue: Readonly<Record<string, number>> };
  readonly patience: { readonly meanAbandonWaitSeconds: number; readonly abandonsAt60To70sShare: number; readonly abandonsAt50To60sShare: number };
  readonly transfers: number;
  readonly conferences: number;
  readonly voiceprintMismatches: number;
  readonly transcriptSegments: number;
  readonly offers: number;
  readonly arrivalsByLocalHour: readonly number[];
}

export interface StatisticsCollector {
  observe(event: AnyLedgerEvent): void;
  result(): DayStatistics;
}

export function dayStatistics(utcOffsetMinutes: number): StatisticsCollector {
  const tierOf = new Map<string, CustomerTier>();
  const firstVisit = new Map<string, string>();
  const queuedByTier = new Map<CustomerTier, number>();
  const abandonedByTier = new Map<CustomerTier, number>();
  const answerAt = new Map<string, { at: number; queueId: string }>();
  const services: { seconds: number; queueId: string }[] = [];
  const abandonWaits: number[] = [];
  const arrivals = new Array<number>(24).fill(0);
  let contacts = 0, ivrEntered = 0, selfServed = 0, ivrAbandoned = 0, answered = 0, abandoned = 0, transfers = 0, conferences = 0, mismatches = 0, segments = 0, offers = 0;
  const legEnded = (interactionId: string, at: number): void => {
    const leg = answerAt.get(interactionId);
    if (!leg) return;
    answerAt.delete(interactionId);
    services.push({ seconds: (at - leg.at) / 1000, queueId: leg.queueId });
  };
  return {
    observe(event) {
      const id = event.metadata.interactionId ?? '';
      const at = event.metadata.occurredAt;
      switch (event.type) {
        case 'InteractionStarted':
          if (event.data.channel === 'APP') return;
          contacts++;
          arrivals[Math.floor((((at + utcOffsetMinutes * 60_000) % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000)]++;
          return;
        case 'IvrNodeEntered':
          if (event.data.depth === 1) ivrEntered++;
          return;
        case 'IvrExited':
          if (event.data.reason === 'SELF_SERVICE_DONE') selfServed++;
          if (event.data.reason === 'HANG_UP') ivrAbandoned++;
          return;
        case 'QueueEntered': {
          if (firstVisit.has(id)) return;
          firstVisit.set(id, event.data.visitId);
          tierOf.set(id, event.data.tier);
          queuedByTier.set(event.data.tier, (queuedByTier.get(event.data.tier) ?? 0) + 1);
          return;
        }
        case 'InteractionAnswered':
          if (event.data.queueId !== null) answered++;
          answerAt.set(id, { at, queueId: event.data.queueId ?? '' });
          return;
        case 'InteractionTransferred':
          transfers++;
          legEnded(id, at);
          return;
        case 'InteractionEnded':
          legEnded(id, at);
          return;
        case 'InteractionAbandoned': {
          if (event.data.stage === 'IVR') return;
          abandoned++;
          abandonWaits.push(event.data.waitedMs / 1000);
          const tier = tierOf.get(id);
          if (tier) abandonedByTier.set(tier, (abandonedByTier.get(tier) ?? 0) + 1);
          return;
        }
        case 'ConferenceStarted': conferences++; return;
        case 'VoiceprintVerified': if (event.data.result === 'MISMATCH') mismatches++; return;
        case 'TranscriptSegmentRecognized': segments++; return;
        case 'InteractionOffered': offers++; return;
        default:
      }
    },
    result() {
      const queued = firstVisit.size;
      const byTier: Partial<Record<CustomerTier, TierFigures>> = {};
      for (const [tier, count] of queuedByTier) {
        const lost = abandonedByTier.get(tier) ?? 0;
        byTier[tier] = { queued: count, abandoned: lost, abandonRate: ratio(lost, count) };
      }
      const queueIds = [...new Set(services.map((s) => s.queueId))].sort();
      const mean = (values: readonly number[]): number => ratio(values.reduce((a, b) => a + b, 0), values.length);
      return {
        contacts,
        ivr: { entered: ivrEntered, selfServed, abandoned: ivrAbandoned },
        queued,
        answered,
        abandoned,
        abandonRate: ratio(abandoned, queued),
        byTier,
        highPriorityShareOfQueued: ratio((queuedByTier.get('VIP') ?? 0) + (queuedByTier.get('PRIORITY') ?? 0), queued),
        service: {
          count: services.length,
          meanSeconds: mean(services.map((s) => s.seconds)),
          shareUnder10s: ratio(services.filter((s) => s.seconds < 10).length, services.length),
          meanByQueue: Object.fromEntries(queueIds.map((q) => [q, mean(services.filter((s) => s.queueId === q).map((s) => s.seconds))])),
        },
        patience: {
          meanAbandonWaitSeconds: mean(abandonWaits),
          abandonsAt60To70sShare: ratio(abandonWaits.filter((w) => w >= 60 && w < 70).length, abandonWaits.length),
          abandonsAt50To60sShare: ratio(abandonWaits.filter((w) => w >= 50 && w < 60).length, abandonWaits.length),
        },
        transfers, conferences, voiceprintMismatches: mismatches, transcriptSegments: segments, offers,
        arrivalsByLocalHour: arrivals,
      };
    },
  };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000;
}
