// Runs the risk, QA and summary deciders over the interactions and control topics in one
// consumer group: decode, reveal personal fields (this processor is an authorised reader of
// transcripts), decide, and stage the decisions with the batch context so they commit
// atomically with the checkpoint (effectively-once). Poison records go to the dead-letter topic.
// State is in memory per call; a restarted processor resumes at its checkpoint without the
// history of calls in flight (see docs/risk-and-qa.md).
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { AppendRecord, LedgerLog, Subscription } from '../../log/port.ts';
import { runConsumer } from '../../log/runtime/run-consumer.ts';
import { defaultQaRules, defaultRiskRules, defaultScriptLibrary } from '../rules/defaults.ts';
import { envelopeFor } from '../rules/output-envelope.ts';
import type { Reactor } from '../rules/reactor.ts';
import { createQaDecider, qaComponent } from '../qa/qa.decider.ts';
import { createSummaryDecider, summaryComponent } from '../summary/summary.decider.ts';
import { createRiskDecider, riskComponent } from './risk.decider.ts';

export interface CallProcessorTopics {
  readonly interactions: string;
  readonly control: string;
}

export const defaultCallProcessorTopics: CallProcessorTopics = { interactions: 'ledger.interactions', control: 'ledger.control' };

export interface NamedReactor {
  readonly component: string;
  readonly reactor: Reactor<unknown>;
  state: unknown;
}

/** The three deciders with the shipped default rule versions. */
export function defaultReactors(): NamedReactor[] {
  const make = <S>(component: string, reactor: Reactor<S>): NamedReactor => ({ component, reactor: reactor as Reactor<unknown>, state: reactor.initialState() });
  return [
    make(riskComponent, createRiskDecider({ rules: defaultRiskRules(), scripts: defaultScriptLibrary() })),
    make(qaComponent, createQaDecider({ rules: defaultQaRules() })),
    make(summaryComponent, createSummaryDecider()),
  ];
}

/** Feeds one event to every decider and wraps their decisions in envelopes (no I/O). */
export function decideAll(reactors: readonly NamedReactor[], event: AnyLedgerEvent): AnyLedgerEvent[] {
  const out: AnyLedgerEvent[] = [];
  for (const r of reactors) {
    const decisions = r.reactor.decide(event, r.state);
    decisions.forEach((d, i) => out.push(envelopeFor(event, d, `${r.component}/${i}`, r.component)));
  }
  return out;
}

export interface CallProcessorOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  readonly group?: string;
  readonly topics?: CallProcessorTopics;
  readonly reactors?: NamedReactor[];
  readonly startFrom?: 'earliest' | 'latest';
  readonly onDeadLetter?: (reason: string) => void;
}

export function startCallProcessor(options: CallProcessorOptions): Promise<Subscription> {
  const topics = options.topics ?? defaultCallProcessorTopics;
  const reactors = options.reactors ?? defaultReactors();
  const { codec, personalData } = options;
  const topicOf = (catalogueTopic: string): string => (catalogueTopic === defaultCallProcessorTopics.control ? topics.control : topics.interactions);
  return runConsumer<AnyLedgerEvent>({
    log: options.log,
    group: options.group ?? 'streams.risk-qa',
    topics: [topics.control, topics.interactions],
    startFrom: options.startFrom,
    onDeadLetter: options.onDeadLetter && ((_record, reason) => options.onDeadLetter?.(reason)),
    decode: async (value) => {
      const decoded = await codec.decode(value);
      return (await personalData.reveal(codec.catalogue.get(decoded.type), decoded)) as unknown as AnyLedgerEvent;
    },
    handle: async (event, _record, context) => {
      const outputs = decideAll(reactors, event);
      if (outputs.length === 0) return;
      const records: AppendRecord[] = [];
      for (const output of outputs) {
        records.push({ topic: topicOf(codec.catalogue.get(output.type).topic), key: codec.keyOf(output), value: await codec.encode(output), timestamp: output.metadata.occurredAt });
      }
      context.append(records);
    },
  });
}
