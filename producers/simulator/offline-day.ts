// A simulated day with no log: the traffic decider and the product's own routing decider wired
// together in memory, event by event, with a routing clock tick every second of event time.
// Pure and deterministic (same scenario and seed → same day), so the calibration spec and
// `call-ledger simulate --offline` measure the scenario against the real routing rules in seconds.
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { decide as route, initialState as routingState, routingComponent, routingInputTypes, type RoutingInput } from '../../streams/routing/routing.decider.ts';
import { dayStatistics, type DayStatistics } from './day-statistics.ts';
import type { Scenario } from './scenario.ts';
import { feedbackTypes, trafficDecider, type RoutingFeedback } from './traffic.decider.ts';
import type { TrafficOptions } from './traffic-state.ts';

const routingInputs = new Set<string>(routingInputTypes);

export interface OfflineDay {
  readonly statistics: DayStatistics;
  /** Inputs routing refused (e.g. a state change of an agent it never saw): should be zero. */
  readonly routingRejections: number;
  readonly events: number;
}

export function simulateOffline(scenario: Scenario, options: TrafficOptions, durationMs: number, onEvent?: (event: AnyLedgerEvent) => void): OfflineDay {
  const traffic = trafficDecider(scenario, options);
  const state = traffic.initialState();
  const routing = routingState();
  const statistics = dayStatistics(scenario.utcOffsetMinutes);
  let rejections = 0;
  let decisionCounter = 0;
  let events = 0;
  const deliver = (batch: AnyLedgerEvent[]): void => {
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i];
      events++;
      statistics.observe(event);
      onEvent?.(event);
      if (event.metadata.producer.component === routingComponent) {
        if (feedbackTypes.has(event.type)) batch.push(...traffic.decide(event as RoutingFeedback, state));
        continue;
      }
      if (!routingInputs.has(event.type)) continue;
      try {
        for (const decision of route(event as RoutingInput, routing)) {
          batch.push({
            type: decision.type,
            metadata: {
              eventId: `routing-${++decisionCounter}`, eventType: decision.type, occurredAt: decision.occurredAt, recordedAt: decision.occurredAt, sourceSystem: 'new',
              interactionId: decision.interactionId, correlationId: null, causationId: event.metadata.eventId, producer: { component: routingComponent, version: '1' }, dataSubject: null,
            },
            data: decision.data,
          } as AnyLedgerEvent);
        }
      } catch {
        rejections++;
      }
    }
  };
  let sequence = 0;
  for (let now = options.start + 1000; now <= options.start + durationMs; now += 1000) {
    deliver(traffic.decide({ type: 'Advance', until: now }, state));
    const tick = { type: 'RoutingClockTicked', metadata: { eventId: `tick-${++sequence}`, eventType: 'RoutingClockTicked', occurredAt: now, recordedAt: now, sourceSystem: 'new', interactionId: null, correlationId: null, causationId: null, producer: { component: 'streams/routing-ticker', version: '1' }, dataSubject: null }, data: { site: options.site, now, sequence } } as AnyLedgerEvent;
    deliver([tick]);
  }
  return { statistics: statistics.result(), routingRejections: rejections, events };
}
