// A rule-set what-if: the recorded calls (transcripts, voiceprint results, emotions, sensitive
// operations — their interactions-topic events, personal fields revealed) re-run through the
// risk or QA decider twice: under the rule versions recorded on the control topic (the baseline:
// what the processor decided) and under the candidate document as the next version, in force for
// the whole period. Alerts (risk) or findings (QA) are matched per interaction and rule: those
// only the candidate raises are added, those only the baseline raises are removed. Examples show
// the rule terms that matched, never the spoken words (personal). Pure.
import type { AnyLedgerEvent, EvidenceSpan } from '../../schemas/generated/events.ts';
import { decideCall, sharedPolicies, type CallProcessorState } from '../../streams/risk/call-processor.ts';
import { compileRiskRules, createRiskDecider, riskComponent } from '../../streams/risk/risk.decider.ts';
import { parseRiskRules } from '../../streams/risk/risk-rules.ts';
import { compileQaRules, createQaDecider, qaComponent } from '../../streams/qa/qa.decider.ts';
import { parseQaRules } from '../../streams/qa/qa-rules.ts';
import { defaultQaRules, defaultRiskRules, defaultScriptLibrary, policyIds } from '../../streams/rules/defaults.ts';
import type { Reactor } from '../../streams/rules/reactor.ts';
import type { PolicyVersion } from '../../streams/rules/rule-document.ts';

export type RuleSetKind = 'risk' | 'qa';

export interface RuleOutcome {
  readonly interactionId: string;
  readonly ruleId: string;
  /** Risk: the alert kind; QA: the finding category. */
  readonly kind: string;
  readonly severity: string;
  /** The alert's description or the finding's note. */
  readonly explanation: string | null;
  /** Rule terms that matched (EvidenceSpan.term). */
  readonly terms: readonly string[];
}

export interface RuleCount {
  readonly ruleId: string;
  readonly baseline: number;
  readonly candidate: number;
  readonly added: number;
  readonly removed: number;
}

export interface RulesWhatIfReport {
  readonly kind: RuleSetKind;
  /** What is compared: RiskAlertRaised or QaFindingRecorded. */
  readonly outcome: 'RiskAlertRaised' | 'QaFindingRecorded';
  readonly candidateVersion: number;
  readonly interactions: number;
  readonly eventsReplayed: number;
  readonly baseline: number;
  readonly candidate: number;
  readonly added: number;
  readonly removed: number;
  readonly byRule: readonly RuleCount[];
  readonly examples: { readonly added: readonly RuleOutcome[]; readonly removed: readonly RuleOutcome[] };
}

export interface RulesWhatIfInput {
  readonly kind: RuleSetKind;
  /** The candidate rule document (JSON text); refused with field and rule when invalid. */
  readonly candidateText: string;
  /** Control-topic events in log order (rule publications; others are ignored). */
  readonly control: readonly AnyLedgerEvent[];
  /** Each interaction's events in log order, personal fields revealed. */
  readonly interactions: Iterable<readonly AnyLedgerEvent[]>;
  /** How many examples of each side. Default 5. */
  readonly examples?: number;
}

type Named = { readonly component: string; readonly reactor: Reactor<unknown> };

function reactorOf(kind: RuleSetKind): Named {
  return kind === 'risk'
    ? { component: riskComponent, reactor: createRiskDecider({ rules: defaultRiskRules(), scripts: defaultScriptLibrary() }) as Reactor<unknown> }
    : { component: qaComponent, reactor: createQaDecider({ rules: defaultQaRules() }) as Reactor<unknown> };
}

/** The decider with the recorded rule versions (and, for the candidate, the candidate on top as the next version, from the epoch). */
function policiesFor(kind: RuleSetKind, control: readonly AnyLedgerEvent[], candidate: unknown | null) {
  const reactors = [reactorOf(kind)];
  const shared = sharedPolicies(reactors);
  const scratch: CallProcessorState = reactors.map(({ reactor }) => reactor.initialState());
  for (const event of control) {
    try {
      decideCall(reactors, shared, scratch, event);
    } catch (error) {
      if ((error as { retriable?: unknown }).retriable !== false) throw error; // refused publications were dead-lettered live too
    }
  }
  const fields = shared.perDecider[0] as { rules: PolicyVersion<unknown>[] };
  const version = Math.max(0, ...fields.rules.map((v) => v.version)) + 1;
  if (candidate !== null) {
    const document = kind === 'risk' ? compileRiskRules(candidate as ReturnType<typeof parseRiskRules>) : compileQaRules(candidate as ReturnType<typeof parseQaRules>);
    fields.rules = [{ policyId: kind === 'risk' ? policyIds.risk : policyIds.qa, version, effectiveFrom: 0, document }];
  }
  return { reactors, shared, version };
}

function outcomeOf(event: { type: string; data: unknown }, interactionId: string): RuleOutcome | null {
  if (event.type !== 'RiskAlertRaised' && event.type !== 'QaFindingRecorded') return null;
  const data = event.data as { ruleId: string; kind?: string; category?: string; severity: string; description?: string | null; note?: string | null; evidence: readonly EvidenceSpan[] };
  return {
    interactionId, ruleId: data.ruleId, kind: data.kind ?? data.category ?? '', severity: data.severity,
    explanation: data.description ?? data.note ?? null, terms: [...new Set(data.evidence.map((e) => e.term).filter((t): t is string => t !== null))],
  };
}

export function rulesWhatIf(input: RulesWhatIfInput): RulesWhatIfReport {
  const candidateDocument = input.kind === 'risk' ? parseRiskRules(input.candidateText) : parseQaRules(input.candidateText);
  const baseline = policiesFor(input.kind, input.control, null);
  const candidate = policiesFor(input.kind, input.control, candidateDocument);
  const limit = input.examples ?? 5;
  const added: RuleOutcome[] = [];
  const removed: RuleOutcome[] = [];
  const perRule = new Map<string, { baseline: number; candidate: number; added: number; removed: number }>();
  const counted = (ruleId: string) => {
    let c = perRule.get(ruleId);
    if (!c) perRule.set(ruleId, (c = { baseline: 0, candidate: 0, added: 0, removed: 0 }));
    return c;
  };
  let interactions = 0;
  let events = 0;
  let totalBaseline = 0;
  let totalCandidate = 0;
  for (const calls of input.interactions) {
    interactions++;
    const interactionId = calls[0]?.metadata.interactionId ?? '';
    const run = ({ reactors, shared }: ReturnType<typeof policiesFor>): RuleOutcome[] => {
      const state: CallProcessorState = reactors.map(({ reactor }) => reactor.initialState());
      const out: RuleOutcome[] = [];
      for (const event of calls) {
        for (const decision of decideCall(reactors, shared, state, event)) {
          const outcome = outcomeOf(decision, interactionId);
          if (outcome) out.push(outcome);
        }
      }
      return out;
    };
    events += calls.length;
    const before = run(baseline);
    const after = run(candidate);
    totalBaseline += before.length;
    totalCandidate += after.length;
    const remaining = [...before];
    for (const outcome of before) counted(outcome.ruleId).baseline++;
    for (const outcome of after) {
      counted(outcome.ruleId).candidate++;
      const match = remaining.findIndex((o) => o.ruleId === outcome.ruleId && o.kind === outcome.kind);
      if (match >= 0) {
        remaining.splice(match, 1);
        continue;
      }
      counted(outcome.ruleId).added++;
      if (added.length < limit) added.push(outcome);
    }
    for (const outcome of remaining) {
      counted(outcome.ruleId).removed++;
      if (removed.length < limit) removed.push(outcome);
    }
  }
  const byRule = [...perRule.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([ruleId, c]) => ({ ruleId, ...c }));
  return {
    kind: input.kind, outcome: input.kind === 'risk' ? 'RiskAlertRaised' : 'QaFindingRecorded', candidateVersion: candidate.version,
    interactions, eventsReplayed: events, baseline: totalBaseline, candidate: totalCandidate,
    added: byRule.reduce((s, r) => s + r.added, 0), removed: byRule.reduce((s, r) => s + r.removed, 0), byRule, examples: { added, removed },
  };
}
