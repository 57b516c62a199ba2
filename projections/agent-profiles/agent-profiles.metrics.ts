// An agent's figures for a week from the additive counters of agent_profiles (docs/metrics.md,
// "Agent profiles", definitions version 1). Pure.
import { AGENT_WEEK_COLUMNS } from './agent-profiles.read-model.ts';

export type AgentWeekCounters = Record<(typeof AGENT_WEEK_COLUMNS)[number], number>;

export interface AgentWeekFigures {
  readonly metricsVersion: number;
  readonly callsHandled: number;
  /** (talk + hold + wrap-up) ÷ handled, ms. */
  readonly averageHandleTimeMs: number | null;
  readonly averageTalkMs: number | null;
  /** hold ÷ handled (every handled call, held or not), ms. */
  readonly averageHoldMs: number | null;
  /** wrap-up ÷ wrap-ups, ms. */
  readonly averageWrapUpMs: number | null;
  /** resolved ÷ wrap-ups: the agent's wrap-up says resolved and the agent did not transfer the call away. */
  readonly firstContactResolution: number | null;
  readonly transfersOut: number;
  /** transfers out ÷ handled. */
  readonly transferRate: number | null;
  /** Average QA score in percent of each score's maximum. */
  readonly qaAverageScore: number | null;
  readonly qaPassRate: number | null;
  readonly qaFindings: number;
  readonly offers: number;
  readonly ringNoAnswers: number;
  readonly declined: number;
  /** ring-no-answers ÷ offers. */
  readonly ringNoAnswerRate: number | null;
  /** (BUSY + WRAP_UP) ÷ (BUSY + WRAP_UP + AVAILABLE) state time. */
  readonly occupancy: number | null;
  /** ms in each state; OTHER is any state without its own column (e.g. UNKNOWN). */
  readonly stateMs: { readonly AVAILABLE: number; readonly BUSY: number; readonly WRAP_UP: number; readonly BREAK: number; readonly TRAINING: number; readonly OTHER: number };
}

export const AGENT_METRICS_VERSION = 1;

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

export function agentWeekFigures(c: AgentWeekCounters): AgentWeekFigures {
  const onContact = c.busy_ms + c.wrap_up_state_ms;
  return {
    metricsVersion: AGENT_METRICS_VERSION,
    callsHandled: c.handled,
    averageHandleTimeMs: ratio(c.talk_ms + c.hold_ms + c.wrap_ms, c.handled),
    averageTalkMs: ratio(c.talk_ms, c.handled),
    averageHoldMs: ratio(c.hold_ms, c.handled),
    averageWrapUpMs: ratio(c.wrap_ms, c.wrap_ups),
    firstContactResolution: ratio(c.resolved, c.wrap_ups),
    transfersOut: c.transfers_out,
    transferRate: ratio(c.transfers_out, c.handled),
    qaAverageScore: c.qa_scored > 0 ? c.qa_score_bp / c.qa_scored / 100 : null,
    qaPassRate: ratio(c.qa_passed, c.qa_scored),
    qaFindings: c.qa_findings,
    offers: c.offers,
    ringNoAnswers: c.ring_no_answer,
    declined: c.declined,
    ringNoAnswerRate: ratio(c.ring_no_answer, c.offers),
    occupancy: ratio(onContact, onContact + c.available_ms),
    stateMs: { AVAILABLE: c.available_ms, BUSY: c.busy_ms, WRAP_UP: c.wrap_up_state_ms, BREAK: c.break_ms, TRAINING: c.training_ms, OTHER: c.other_state_ms },
  };
}
