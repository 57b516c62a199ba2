// What the simulated agent records at the wrap-up of an outbound campaign call (docs/outbound.md,
// "Outcomes at wrap-up"): a disposition drawn from the scenario's outcome shares and, for a
// promise to pay, the ticket fields the bank follows up on — promiseDate (the customer's local
// date, within the scenario's days) and promiseAmount (major units).
import type { TicketField } from '../../schemas/generated/events.ts';
import type { OutboundSpec } from './scenario.ts';
import type { TrafficState } from './traffic-state.ts';

export const promiseToPay = 'PROMISE_TO_PAY';

export interface CampaignOutcome {
  readonly disposition: string;
  readonly ticketFields: readonly TicketField[];
  /** A promise is followed up on its date. */
  readonly followUpRequired: boolean;
}

export function campaignOutcome(state: TrafficState, outbound: OutboundSpec): CampaignOutcome {
  const [disposition] = state.random.weighted(Object.entries(outbound.outcomes), ([, share]) => share);
  if (disposition !== promiseToPay) return { disposition, ticketFields: [], followUpRequired: false };
  const days = 1 + Math.floor(state.random.next() * outbound.promise.maxDays);
  const localDate = new Date(state.now + state.scenario.utcOffsetMinutes * 60_000 + days * 86_400_000).toISOString().slice(0, 10);
  const amount = Math.max(1, Math.round(state.random.logNormal(outbound.promise.amount.mean, outbound.promise.amount.cv)));
  return {
    disposition,
    ticketFields: [{ name: 'promiseDate', value: localDate }, { name: 'promiseAmount', value: amount.toFixed(2) }],
    followUpRequired: true,
  };
}
