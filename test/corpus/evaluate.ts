// Runs the corpus of scripted conversations (conversations.json) through the risk, QA and
// summary deciders with the default rule sets and scores what they produced against what each
// conversation expects: precision and recall per rule kind, and the false positives on
// genuine conversations.
import { readFileSync } from 'node:fs';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import { decideAll, defaultReactors } from '../../streams/risk/call-processor.ts';
import { defaultQaRules } from '../../streams/rules/defaults.ts';
import { eventsOfScript, type ScriptStep } from '../support/call-builder.ts';

export interface Conversation {
  readonly id: string;
  readonly language: string;
  readonly genuine: boolean;
  readonly title: string;
  readonly script: readonly ScriptStep[];
  readonly expected: {
    readonly alerts: readonly string[];
    readonly assist?: readonly string[];
    readonly blocked: readonly string[];
    readonly approved: readonly string[];
    readonly findings: readonly string[];
    readonly qaPassed: boolean;
    readonly ticket?: { readonly intent: string; readonly fields: Readonly<Record<string, string>> };
  };
}

export function loadCorpus(): Conversation[] {
  return JSON.parse(readFileSync(new URL('./conversations.json', import.meta.url), 'utf8')) as Conversation[];
}

export interface Observed {
  readonly alerts: string[];
  readonly assist: string[];
  readonly blocked: string[];
  readonly approved: string[];
  readonly findings: string[];
  readonly qaPassed: boolean | null;
  readonly ticket: { intent: string | null; fields: Record<string, string> } | null;
  readonly outputs: AnyLedgerEvent[];
}

export function runConversation(conversation: Conversation): Observed {
  const reactors = defaultReactors();
  const events = eventsOfScript({ interactionId: conversation.id, language: conversation.language }, conversation.script);
  const outputs: AnyLedgerEvent[] = [];
  // The processor sees its own output again on the log (the summary reads alerts): do the same.
  const queue = [...events];
  while (queue.length > 0) {
    const event = queue.shift() as AnyLedgerEvent;
    const produced = decideAll(reactors, event);
    outputs.push(...produced);
    queue.unshift(...produced);
  }
  const observed: Observed = { alerts: [], assist: [], blocked: [], approved: [], findings: [], qaPassed: null, ticket: null, outputs };
  let qaPassed: boolean | null = null;
  let ticket: Observed['ticket'] = null;
  for (const o of outputs) {
    switch (o.type) {
      case 'RiskAlertRaised': if (!observed.alerts.includes(o.data.ruleId)) observed.alerts.push(o.data.ruleId); break;
      case 'AgentAssistSuggested': if (o.data.trigger !== 'RISK_ALERT' || o.data.scriptId.startsWith('soothe')) observed.assist.push(o.data.scriptId); break;
      case 'SensitiveOperationBlocked': if (!observed.blocked.includes(o.data.operationId)) observed.blocked.push(o.data.operationId); break;
      case 'SensitiveOperationApproved': if (!observed.approved.includes(o.data.operationId)) observed.approved.push(o.data.operationId); break;
      case 'QaFindingRecorded': if (!observed.findings.includes(o.data.ruleId)) observed.findings.push(o.data.ruleId); break;
      case 'QaScoreComputed': qaPassed = o.data.passed; break;
      case 'TicketFieldsExtracted': ticket = { intent: o.data.intent, fields: Object.fromEntries(o.data.fields.map((f) => [f.name, f.value])) }; break;
      default: break;
    }
  }
  return { ...observed, qaPassed, ticket };
}

export interface KindScore {
  readonly kind: string;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number | null;
  readonly recall: number | null;
}

export interface Evaluation {
  readonly conversations: number;
  readonly genuineConversations: number;
  readonly kinds: KindScore[];
  readonly falsePositivesOnGenuine: { conversation: string; kind: string; item: string }[];
  readonly misses: { conversation: string; kind: string; item: string }[];
  readonly qaPassAccuracy: number;
}

function kindOfAlert(ruleId: string): string {
  if (ruleId.startsWith('fraud.')) return 'fraud-words';
  if (ruleId === 'risk.agitation') return 'agitation-alert';
  return 'voiceprint';
}

export function evaluate(corpus: readonly Conversation[] = loadCorpus()): Evaluation {
  const qaTypes = new Map(defaultQaRules().document.rules.map((r) => [r.id, `qa:${r.type}`]));
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const count = (kind: string, key: 'tp' | 'fp' | 'fn') => {
    const c = counts.get(kind) ?? { tp: 0, fp: 0, fn: 0 };
    c[key] += 1;
    counts.set(kind, c);
  };
  const falsePositivesOnGenuine: Evaluation['falsePositivesOnGenuine'] = [];
  const misses: Evaluation['misses'] = [];
  let qaCorrect = 0;
  for (const conversation of corpus) {
    const observed = runConversation(conversation);
    const expected = conversation.expected;
    const compare = (kindOf: (item: string) => string, want: readonly string[], got: readonly string[]) => {
      for (const item of got) {
        if (want.includes(item)) count(kindOf(item), 'tp');
        else {
          count(kindOf(item), 'fp');
          if (conversation.genuine) falsePositivesOnGenuine.push({ conversation: conversation.id, kind: kindOf(item), item });
        }
      }
      for (const item of want) if (!got.includes(item)) {
        count(kindOf(item), 'fn');
        misses.push({ conversation: conversation.id, kind: kindOf(item), item });
      }
    };
    compare(kindOfAlert, expected.alerts, observed.alerts);
    compare(() => 'agent-assist', expected.assist ?? [], observed.assist);
    compare(() => 'operation-blocked', expected.blocked, observed.blocked);
    compare((id) => qaTypes.get(id) ?? 'qa:unknown', expected.findings, observed.findings);
    const wantFields = expected.ticket ? Object.entries(expected.ticket.fields).map(([k, v]) => `${k}=${v}`) : [];
    const gotFields = observed.ticket ? Object.entries(observed.ticket.fields).map(([k, v]) => `${k}=${v}`) : [];
    compare(() => 'ticket-field', wantFields, gotFields);
    if (observed.qaPassed === expected.qaPassed) qaCorrect += 1;
  }
  const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
  const kinds = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, c]) => ({
    kind, truePositives: c.tp, falsePositives: c.fp, falseNegatives: c.fn, precision: ratio(c.tp, c.tp + c.fp), recall: ratio(c.tp, c.tp + c.fn),
  }));
  return {
    conversations: corpus.length, genuineConversations: corpus.filter((c) => c.genuine).length, kinds, falsePositivesOnGenuine, misses,
    qaPassAccuracy: ratio(qaCorrect, corpus.length) ?? 0,
  };
}
