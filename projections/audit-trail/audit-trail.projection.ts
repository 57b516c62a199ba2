// Audit trail: every decision the ledger records (routing, risk, sensitive operations, step-up,
// agent assist, QA, summary, ticket extraction) with the inputs it carries and the policy or rule
// version that took it, and every access to customer data (DataAccessed), appended as rows of
// hash chains (audit-chain.ts). Append-only: each event adds one row, nothing is ever replaced.
//
// A chain must be rebuilt identically from the log, so its rows follow the order of ONE log
// partition: the decisions of an interaction (ledger.interactions, keyed by interaction) form the
// chain `decisions` of subject `interaction:<id>`; the accesses of one actor (ledger.audit, keyed
// by actor) to one subject form the chain `accesses:<actor>` of that subject — `interaction:<id>`
// when the access names an interaction, else `customer:<id>`, else `actor:<id>`. Interleaving
// partitions into one chain would make the hashes depend on delivery order.
import type { AnyLedgerEvent, LedgerEvent } from '../../schemas/generated/events.ts';
import { ENCRYPTED_PREFIX } from '../../schemas/pii/personal-data.ts';
import type { Evolved, ReadModelLogic } from '../runtime/read-model.ts';
import { canonicalJson, GENESIS_HASH, rowHash, type AuditContent, type AuditRow } from './audit-chain.ts';

/** Event types that are decisions (they carry the policy, rule, script or model version that decided). */
export const decisionTypes: ReadonlySet<string> = new Set([
  'RoutingDecided', 'RiskAlertRaised', 'SensitiveOperationBlocked', 'SensitiveOperationApproved', 'StepUpAuthenticationRequested',
  'AgentAssistSuggested', 'QaFindingRecorded', 'QaScoreComputed', 'SummaryGenerated', 'TicketFieldsExtracted',
]);

export const auditTrailEventTypes: ReadonlySet<string> = new Set([...decisionTypes, 'DataAccessed', 'CustomerIdentified']);

/** Fields naming the version that decided: policyId/policyVersion, ruleId/ruleVersion, rulesId/rulesVersion, scriptId/scriptVersion, modelVersion, cohort. */
const POLICY_FIELD = /^(policy|rules?|script|model|cohort)(Id|Version)?$/;

/** Written in place of a personal field's ciphertext: the trail names that there was one, the log keeps it. */
export const PERSONAL_FIELD = '[personal]';

export interface AuditTrailState {
  readonly seq: number;
  readonly hash: string;
  /** Decision chains: the customer once identified (copied onto later rows). */
  readonly customerId: string | null;
}

function masked(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(ENCRYPTED_PREFIX) ? PERSONAL_FIELD : value;
  if (Array.isArray(value)) return value.map(masked);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}

/** The policy fields, and everything else the decision carries (its inputs: candidates, evidence, scores, reasons). */
function splitDecision(data: object): { policy: Record<string, unknown>; detail: Record<string, unknown> } {
  const policy: Record<string, unknown> = {};
  const detail: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) (POLICY_FIELD.test(key) ? policy : detail)[key] = masked(value);
  return { policy, detail };
}

/** The subject an access is chained under. */
export function accessSubject(data: LedgerEvent<'DataAccessed'>['data']): string {
  if (data.interactionId) return `interaction:${data.interactionId}`;
  if (data.customerId) return `customer:${data.customerId}`;
  return `actor:${data.actorId}`;
}

export const accessChain = (actorId: string) => `accesses:${actorId}`;
export const DECISIONS_CHAIN = 'decisions';

function keyOf(event: AnyLedgerEvent): string | null {
  if (event.type === 'DataAccessed') return `${accessSubject(event.data)} ${accessChain(event.data.actorId)}`;
  const interactionId = event.metadata.interactionId;
  return interactionId ? `interaction:${interactionId} ${DECISIONS_CHAIN}` : null;
}

function contentOf(state: AuditTrailState, event: AnyLedgerEvent): AuditContent | null {
  const common = { seq: state.seq + 1, event_id: event.metadata.eventId, event_type: event.type, occurred_at: new Date(event.metadata.occurredAt).toISOString() };
  if (event.type === 'DataAccessed') {
    const d = event.data;
    return {
      ...common, subject: accessSubject(d), chain: accessChain(d.actorId), kind: 'access', interaction_id: d.interactionId, customer_id: d.customerId,
      actor: d.actorId, role: d.role, policy: null, purpose: d.purpose,
      detail: canonicalJson({ action: d.action, resource: d.resource, outcome: d.outcome, fieldsRevealed: d.fieldsRevealed, requestId: d.requestId }),
    };
  }
  const interactionId = event.metadata.interactionId;
  if (!decisionTypes.has(event.type) || !interactionId) return null;
  const { policy, detail } = splitDecision(event.data);
  const producer = event.metadata.producer;
  return {
    ...common, subject: `interaction:${interactionId}`, chain: DECISIONS_CHAIN, kind: 'decision', interaction_id: interactionId, customer_id: state.customerId,
    actor: `${producer.component}@${producer.version}`, role: null, policy: canonicalJson(policy), purpose: null, detail: canonicalJson(detail),
  };
}

export const auditTrailLogic: ReadModelLogic<AuditTrailState> = {
  eventTypes: auditTrailEventTypes,
  keyOf,
  initialState: () => ({ seq: 0, hash: GENESIS_HASH, customerId: null }),
  evolve(state, event): Evolved<AuditTrailState> {
    if (event.type === 'CustomerIdentified') return { state: { ...state, customerId: event.data.customerId }, changes: [] };
    const content = contentOf(state, event);
    if (!content) return { state, changes: [] };
    const row: AuditRow = { ...content, prev_hash: state.hash, hash: rowHash(state.hash, content) };
    return { state: { ...state, seq: content.seq, hash: row.hash }, changes: [{ op: 'put', table: 'entries', row: { ...row } }] };
  },
};
