// The read side the API is given: functions over the projections' tables (and later read
// models). Each is optional: a route whose function is absent answers 501 "not available yet",
// so the API runs before every projection has landed and gains routes as they arrive.
import type { AuditRow } from '../../projections/audit-trail/audit-chain.ts';
import type { TrailVerification } from '../../projections/audit-trail/audit-trail.queries.ts';
import type { Role } from '../http/auth.ts';

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque cursor of the next page, null at the end. */
  readonly next: string | null;
}

export interface KpiFilter {
  readonly from: number;
  readonly to: number;
  readonly intervalMinutes: number;
  readonly queueId: string | null;
  readonly tier: string | null;
  readonly source: string | null;
  readonly limit: number;
  readonly after: string | null;
}

export interface ListFilter {
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly after: string | null;
  readonly [filter: string]: string | number | null;
}

export type Row = Readonly<Record<string, string | number | boolean | null>>;

export interface QueryPorts {
  /** Live queues now (live-queues projection). */
  liveQueues?(now: number): Promise<readonly unknown[]>;
  /** Logged-in agents by state per skill (live-queues projection). */
  agentsBySkill?(): Promise<readonly unknown[]>;
  /** Rolling figures per queue over the last minutes (wallboard projection): service level, abandon rate, ASA now. */
  rollingKpis?(now: number, windowMinutes: number): Promise<readonly Row[]>;
  /** Wallboard KPIs by interval, queue, tier and source (wallboard projection). */
  kpis?(filter: KpiFilter): Promise<Page<Row>>;
  agentProfiles?(filter: ListFilter): Promise<Page<Row>>;
  /** Per IVR node and local day: entries, exits by reason, median time (ivr-funnel projection). */
  ivrFunnel?(filter: ListFilter): Promise<Page<Row>>;
  /** Node paths of calls that abandoned in the IVR or in queue, most frequent first (ivr-funnel projection). */
  ivrAbandonPaths?(filter: ListFilter): Promise<Page<Row>>;
  /** Per outbound campaign: counters, abandon rate, agent idle time, contacts per agent hour (outbound-campaigns projection). */
  outboundCampaigns?(filter: ListFilter, now: number): Promise<Page<Row>>;
  /** Intents per local day with share and trend (intents projection). */
  intents?(filter: ListFilter): Promise<Page<Row>>;
  /** Customer question categories per local day with share and trend (questions projection; codes, never the words). */
  questions?(filter: ListFilter): Promise<Page<Row>>;
  /** Service level per queue over a range (wallboard projection), for /metrics. */
  serviceLevels?(from: number, to: number): Promise<ReadonlyMap<string, number | null>>;
  /**
   * Past interactions of a customer for the screen pop (customer-history projection); their
   * summaries shown to `reader` (decrypted or redacted by role).
   */
  customerHistory?(customerId: string, limit: number, reader: Role): Promise<readonly Row[]>;
  /** Interaction ids of a customer in a time range (customer-history projection); else the API scans the log. */
  customerInteractions?(customerId: string, from: number, to: number): Promise<readonly string[]>;
  /** An interaction's audit trail rows and the verification of their hash chains (audit-trail projection). */
  auditTrail?(interactionId: string): Promise<{ readonly entries: readonly AuditRow[]; readonly verification: TrailVerification }>;
}
