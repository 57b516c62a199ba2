// Runs the call deciders over the interactions and control topics as stream processors on
// streams/runtime: decode, reveal personal fields (they are authorised readers of transcripts),
// decide, and stage the decisions with the batch context so they commit atomically with the
// checkpoint (effectively-once). Personal fields of a decision are encrypted with the input's data
// subject key. Poison records go to the dead-letter topic.
//
// Two processors, each with its own consumer group and snapshots:
//   - risk (`streams.risk-qa`, the group of the single processor before the split): fraud words,
//     voiceprint gate, step-up. Core: it runs whatever the system mode.
//   - QA and summaries (`streams.qa-summary`): sheddable (features `qa` and `summary`), so a
//     DEGRADED mode pauses it and it catches up from the log afterwards. Nothing it decides feeds
//     risk; the summary reads risk alerts from the log, as it did when one processor ran all three.
// Decision ids are UUIDv5 of the processor's id namespace (`component`), the input event id and the
// decision's position among that processor's decisions for the input. The risk processor keeps
// the namespace of the single processor that came before (`streams/risk-qa`), whose risk decisions
// came first, so risk decision ids are unchanged; QA and summary decisions have ids of their own
// namespace (`streams/qa-summary`) since the split (docs/risk-and-qa.md).
//
// State survives restarts: per input partition, the deciders' states are snapshotted
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

export const callProcessorVersion = '1';

export interface NamedReactor {
  readonly component: string;
  readonly reactor: Reactor<unknown>;
  state: unknown;
}

function named<S>(component: string, reactor: Reactor<S>): NamedReactor {
  return { component, reactor: reactor as Reactor<unknown>, state: reactor.initialState() };
}

/** The risk decider with the shipped default rule versions. */
export function riskReactors(): NamedReactor[] {
  return [named(riskComponent, createRiskDecider({ rules: defaultRiskRules(), scripts: defaultScriptLibrary() }))];
}

/** The QA and summary deciders with the shipped default rule versions. */
export function qaSummaryReactors(): NamedReactor[] {
  return [named(qaComponent, createQaDecider({ rules: defaultQaRules() })), named(summaryComponent, createSummaryDecider())];
}

/** The three deciders with the shipped default rule versions (decisions without a processor: evaluation, what-if, benchmarks). */
export function defaultReactors(): NamedReactor[] {
  return [...riskReactors(), ...qaSummaryReactors()];
}

/** What tells the call processors apart. */
export interface CallProcessorKind {
  /** Consumer group and snapshot name. */
  readonly name: string;
  /** Namespace of its decision ids (producer.component is each decider's own). */
  readonly component: string;
  /** `call-ledger run` component name and log label. */
  readonly label: string;
  readonly reactors: () => NamedReactor[];
  /** Risk is on the live path (an alert within 100 ms): at-least-once, repeats dropped by position (docs/risk-and-qa.md). */
  readonly outputDelivery: 'atomic' | 'at-least-once';
}

/**
 * Core: runs whatever the system mode. Group, snapshots and id namespace are those of the processor
 * that ran risk, QA and summaries before the split (risk came first in it): an upgraded ledger
 * resumes risk at its checkpoints and snapshots, and risk decision ids did not change.
 */
export const riskProcessor: CallProcessorKind = { name: 'streams.risk-qa', component: 'streams/risk-qa', label: 'risk', reactors: riskReactors, outputDelivery: 'at-least-once' };

/** Sheddable: pauses while the system mode sheds one of `qaSummaryFeatures`. */
export const qaSummaryProcessor: CallProcessorKind = { name: 'streams.qa-summary', component: 'streams/qa-summary', label: 'qa-summary', reactors: qaSummaryReactors, outputDelivery: 'atomic' };

/** The features of SystemModeChanged.shedFeatures that pause the QA and summary processor (either one). */
export const qaSummaryFeatures: readonly string[] = ['qa', 'summary'];

/** Every call processor, in the order their decisions were positioned before the split (risk first). */
export const callProcessorKinds: readonly CallProcessorKind[] = [riskProcessor, qaSummaryProcessor];

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
  kind: CallProcessorKind, reactors: readonly { readonly component: string; readonly reactor: Reactor<unknown> }[], shared: SharedPolicies, topics: CallProcessorTopics = defaultCallProcessorTopics,
): ProcessorDefinition<CallProcessorState, AnyLedgerEvent> {
  return {
    name: kind.name,
    component: kind.component,
    version: callProcessorVersion,
    inputTopics: [topics.control, topics.interactions],
    outputDelivery: kind.outputDelivery,
    accept: (event) => event as unknown as AnyLedgerEvent,
    initialState: () => reactors.map(({ reactor }) => reactor.initialState()),
    decide: (event, state) => decideCall(reactors, shared, state, event),
    toSnapshot: (state) => state.map((s) => {
      const copy: StateRecord = { ...(s as StateRecord) };
      for (const key of policyFields(copy)) delete copy[key]; // rule versions come from the control topic
      return encodeState(copy);
    }),
    // A risk snapshot from before the split holds the QA and summary states after the risk state.
    fromSnapshot: (snapshot) => (snapshot as unknown[]).slice(0, reactors.length).map((s, i) => ({ ...(decodeState(s, shared.byKey) as StateRecord), ...shared.perDecider[i] })),
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
  readonly kind: CallProcessorKind;
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  /** Default: in memory (state then survives only a rebalance, not a restart). */
  readonly snapshots?: SnapshotStore;
  readonly snapshotEvery?: number;
  /** Default: the kind's name. */
  readonly group?: string;
  readonly topics?: CallProcessorTopics;
  /** Default: the kind's deciders with the shipped rule versions. */
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
  const { kind, log, codec, personalData } = options;
  const reactors = options.reactors ?? kind.reactors();
  const shared = sharedPolicies(reactors);
  await loadPolicies(log, codec, reactors, shared, topics.control);
  const definition = callProcessorDefinition(kind, reactors, shared, topics);
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
    group: options.group ?? kind.name,
    startFrom: options.startFrom,
    maxBatchSize: options.maxBatchSize,
    topicName: (topic) => names[topic] ?? topic,
    reveal: (event) => personalData.reveal(codec.catalogue.get(event.type), event),
    onDeadLetter: options.onDeadLetter && ((_record, reason) => options.onDeadLetter?.(reason)),
    onOutputs: options.onOutputs,
  });
  return { processor, policies: shared, done: processor.subscription.done, stop: () => processor.stop() };
}

/** One call processor's definition over fresh deciders: for replays and specs that decide as the processors do. */
export interface CallProcessorReplay {
  readonly kind: CallProcessorKind;
  readonly reactors: readonly NamedReactor[];
  readonly shared: SharedPolicies;
  readonly definition: ProcessorDefinition<CallProcessorState, AnyLedgerEvent>;
}

/** Every call processor as a replay, in callProcessorKinds' order (load the control topic into each `shared` first where it has versions). */
export function callProcessorReplays(topics: CallProcessorTopics = defaultCallProcessorTopics): CallProcessorReplay[] {
  return callProcessorKinds.map((kind) => {
    const reactors = kind.reactors();
    const shared = sharedPolicies(reactors);
    return { kind, reactors, shared, definition: callProcessorDefinition(kind, reactors, shared, topics) };
  });
}
