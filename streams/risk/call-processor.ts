// Runs the risk, QA and summary deciders over the interactions and control topics as one
// processor on streams/runtime (consumer group `streams.risk-qa`): decode, reveal personal fields
// (this processor is an authorised reader of transcripts), decide, and stage the decisions with
// the batch context so they commit atomically with the checkpoint (effectively-once). Decision
// ids are UUIDv5 of the input event id and the decision's position; personal fields of a
// decision are encrypted with the input's data subject key. Poison records go to the
// dead-letter topic.
//
// State survives restarts: per input partition, the three decider states are snapshotted
// (call-state-snapshot.ts) and restored from the newest snapshot plus the tail of the log.
// Rule versions (RiskRulesPublished, QaRulesPublished, ScriptLibraryPublished) live on the
// control topic, which is a partition of its own: they are shared by every partition's state
// in this process, read in full from the control topic at start (before any call is decided)
// and kept up to date as new versions arrive. A version applies by its effectiveFrom against
// each event's own time, so which partition read it first does not change a decision.
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { AppendRecord, LedgerLog, LogRecord, Subscription } from '../../log/port.ts';
import { defaultDeadLetterTopic } from '../../log/runtime/dead-letter.ts';
import type { Decision as RuntimeDecision, ProcessorDefinition } from '../runtime/processor.ts';
import { runProcessor, type RunningProcessor } from '../runtime/run-processor.ts';
import { InMemorySnapshotStore, type SnapshotStore } from '../runtime/snapshot-store.ts';
import { defaultQaRules, defaultRiskRules, defaultScriptLibrary } from '../rules/defaults.ts';
import { envelopeFor } from '../rules/output-envelope.ts';
import type { Reactor } from '../rules/reactor.ts';
import type { PolicyVersion } from '../rules/rule-document.ts';
import { createQaDecider, qaComponent } from '../qa/qa.decider.ts';
import { createSummaryDecider, summaryComponent } from '../summary/summary.decider.ts';
import { decodeState, encodeState, policyKey } from './call-state-snapshot.ts';
import { createRiskDecider, riskComponent } from './risk.decider.ts';

export interface CallProcessorTopics {
  readonly interactions: string;
  readonly control: string;
  readonly deadLetter?: string;
}

export const defaultCallProcessorTopics: CallProcessorTopics = { interactions: 'ledger.interactions', control: 'ledger.control' };

export const callProcessorName = 'streams.risk-qa';
export const callProcessorComponent = 'streams/risk-qa';
export const callProcessorVersion = '1';

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

/** Feeds one event to every decider and wraps their decisions in envelopes (no I/O; evaluation and benchmarks). */
export function decideAll(reactors: readonly NamedReactor[], event: AnyLedgerEvent): AnyLedgerEvent[] {
  const out: AnyLedgerEvent[] = [];
  for (const r of reactors) {
    const decisions = r.reactor.decide(event, r.state);
    decisions.forEach((d, i) => out.push(envelopeFor(event, d, `${r.component}/${i}`, r.component)));
  }
  return out;
}

/** One partition's state: one state per decider, in the deciders' order. */
export type CallProcessorState = unknown[];

type StateRecord = Record<string, unknown>;

/** The rule versions of every decider (its state's top-level arrays: `rules`, `scripts`), shared by all partitions. */
export interface SharedPolicies {
  readonly perDecider: StateRecord[];
  /** Every version seen, by policyKey (snapshots refer to versions by key). */
  readonly byKey: Map<string, PolicyVersion<unknown>>;
}

function policyFields(state: StateRecord): string[] {
  return Object.keys(state).filter((key) => Array.isArray(state[key]));
}

export function sharedPolicies(reactors: readonly { readonly reactor: Reactor<unknown> }[]): SharedPolicies {
  const shared: SharedPolicies = { perDecider: [], byKey: new Map() };
  for (const { reactor } of reactors) {
    const state = reactor.initialState() as StateRecord;
    const fields: StateRecord = {};
    for (const key of policyFields(state)) fields[key] = state[key];
    shared.perDecider.push(fields);
  }
  index(shared);
  return shared;
}

function index(shared: SharedPolicies): void {
  for (const fields of shared.perDecider) {
    for (const versions of Object.values(fields)) {
      for (const version of versions as PolicyVersion<unknown>[]) shared.byKey.set(policyKey(version.policyId, version.version), version);
    }
  }
}

/**
 * Feeds one event to every decider against the shared rule versions (a rule publication updates
 * them). Pure apart from `state` and `shared`, which it advances. Returns the decisions as
 * runtime decisions (event time, interaction and data subject of the input).
 */
export function decideCall(
  reactors: readonly { readonly component: string; readonly reactor: Reactor<unknown> }[], shared: SharedPolicies, state: CallProcessorState, event: AnyLedgerEvent,
): RuntimeDecision[] {
  const out: RuntimeDecision[] = [];
  let published = false;
  reactors.forEach(({ component, reactor }, i) => {
    const own = state[i] as StateRecord;
    const fields = shared.perDecider[i];
    for (const key of Object.keys(fields)) own[key] = fields[key];
    const decisions = reactor.decide(event, own);
    for (const key of Object.keys(fields)) {
      if (own[key] !== fields[key]) {
        fields[key] = own[key];
        published = true;
      }
    }
    for (const d of decisions) {
      out.push({ type: d.type, occurredAt: event.metadata.occurredAt, interactionId: event.metadata.interactionId, data: d.data, dataSubject: d.dataSubject ?? event.metadata.dataSubject, component } as RuntimeDecision);
    }
  });
  if (published) index(shared);
  return out;
}

/** The processor definition for streams/runtime; `shared` holds the rule versions (load the control topic into it first: loadPolicies). */
export function callProcessorDefinition(
  reactors: readonly { readonly component: string; readonly reactor: Reactor<unknown> }[], shared: SharedPolicies, topics: CallProcessorTopics = defaultCallProcessorTopics,
): ProcessorDefinition<CallProcessorState, AnyLedgerEvent> {
  return {
    name: callProcessorName,
    component: callProcessorComponent,
    version: callProcessorVersion,
    inputTopics: [topics.control, topics.interactions],
    accept: (event) => event as unknown as AnyLedgerEvent,
    initialState: () => reactors.map(({ reactor }) => reactor.initialState()),
    decide: (event, state) => decideCall(reactors, shared, state, event),
    toSnapshot: (state) => state.map((s) => {
      const copy: StateRecord = { ...(s as StateRecord) };
      for (const key of policyFields(copy)) delete copy[key]; // rule versions come from the control topic
      return encodeState(copy);
    }),
    fromSnapshot: (snapshot) => (snapshot as unknown[]).map((s, i) => ({ ...(decodeState(s, shared.byKey) as StateRecord), ...shared.perDecider[i] })),
  };
}

/** Reads the whole control topic into `shared` (invalid publications are skipped: they were dead-lettered). */
export async function loadPolicies(
  log: LedgerLog, codec: EventCodec, reactors: readonly { readonly component: string; readonly reactor: Reactor<unknown> }[], shared: SharedPolicies, controlTopic: string,
): Promise<number> {
  const scratch = reactors.map(({ reactor }) => reactor.initialState());
  let read = 0;
  for await (const records of log.readRange({ topic: controlTopic })) {
    for (const record of records) {
      let event: AnyLedgerEvent;
      try {
        event = (await codec.decode(record.value)) as unknown as AnyLedgerEvent;
      } catch (error) {
        if ((error as { retriable?: unknown }).retriable === true) throw error;
        continue;
      }
      try {
        decideCall(reactors, shared, scratch, event);
        read++;
      } catch (error) {
        if ((error as { retriable?: unknown }).retriable !== false) throw error;
      }
    }
  }
  return read;
}

export interface CallProcessorOptions {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  /** Default: in memory (state then survives only a rebalance, not a restart). */
  readonly snapshots?: SnapshotStore;
  readonly snapshotEvery?: number;
  readonly group?: string;
  readonly topics?: CallProcessorTopics;
  readonly reactors?: readonly { readonly component: string; readonly reactor: Reactor<unknown> }[];
  readonly startFrom?: 'earliest' | 'latest';
  readonly maxBatchSize?: number;
  readonly onDeadLetter?: (reason: string) => void;
  /** Told about each input's staged decisions (decision latency for the degradation controller). */
  readonly onOutputs?: (records: readonly AppendRecord[], input: LogRecord) => void;
  /** Wraps the definition (tests stall it; benchmarks time it). */
  readonly wrap?: (definition: ProcessorDefinition<CallProcessorState, AnyLedgerEvent>) => ProcessorDefinition<CallProcessorState, AnyLedgerEvent>;
}

export interface RunningCallProcessor extends Subscription {
  readonly processor: RunningProcessor<CallProcessorState>;
  readonly policies: SharedPolicies;
}

export async function startCallProcessor(options: CallProcessorOptions): Promise<RunningCallProcessor> {
  const topics = options.topics ?? defaultCallProcessorTopics;
  const reactors = options.reactors ?? defaultReactors();
  const { log, codec, personalData } = options;
  const shared = sharedPolicies(reactors);
  await loadPolicies(log, codec, reactors, shared, topics.control);
  const definition = callProcessorDefinition(reactors, shared, topics);
  const names: Record<string, string> = {
    [defaultCallProcessorTopics.interactions]: topics.interactions,
    [defaultCallProcessorTopics.control]: topics.control,
    [defaultDeadLetterTopic]: topics.deadLetter ?? defaultDeadLetterTopic,
  };
  const processor = await runProcessor({
    log,
    codec,
    definition: options.wrap ? options.wrap(definition) : definition,
    snapshots: options.snapshots ?? new InMemorySnapshotStore(),
    snapshotEvery: options.snapshotEvery,
    group: options.group ?? callProcessorName,
    startFrom: options.startFrom,
    maxBatchSize: options.maxBatchSize,
    topicName: (topic) => names[topic] ?? topic,
    reveal: (event) => personalData.reveal(codec.catalogue.get(event.type), event),
    onDeadLetter: options.onDeadLetter && ((_record, reason) => options.onDeadLetter?.(reason)),
    onOutputs: options.onOutputs,
  });
  return { processor, policies: shared, done: processor.subscription.done, stop: () => processor.stop() };
}
