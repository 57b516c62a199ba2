// Runs a what-if over the log: reads the recorded traffic, re-decides it in memory and reports.
// Isolation: everything happens in this process's memory — no topic, consumer group, checkpoint,
// projection schema or key is written, so there is nothing to clean up and nothing a live
// consumer could ever see (docs/operations.md explains why not a separate topic prefix).
//   - routing: each site's ordered stream (ledger.routing.inputs, key = site) from its start — the
//     queues and agents at the period's start are the simulation's own — up to `drainMs` past the
//     period's end, so calls that entered late in the period are answered or abandoned;
//   - risk / QA: every interaction of the interactions topic whose first event lies in the
//     period, personal fields revealed (the deciders read transcripts), with the rule versions of
//     the control topic.
import type { LedgerLog } from '../../log/port.ts';
import type { EventCodec } from '../../schemas/codec/event-codec.ts';
import type { AnyLedgerEvent } from '../../schemas/generated/events.ts';
import type { PersonalDataProtector } from '../../schemas/pii/personal-data.ts';
import type { WallboardSettings } from '../../projections/wallboard/wallboard.projection.ts';
import { routingInputsTopic, routingProcessor } from '../../streams/routing/routing.processor.ts';
import type { RoutingInput } from '../../streams/routing/routing.decider.ts';
import { parseRoutingPolicy, PolicyValidationError } from '../../streams/routing/routing-policy.ts';
import { parseRiskRules } from '../../streams/risk/risk-rules.ts';
import { parseQaRules } from '../../streams/qa/qa-rules.ts';
import { RepeatFilter } from '../../streams/runtime/source-position.ts';
import { routingWhatIf, type RoutingWhatIfSite } from './routing-what-if.ts';
import { rulesWhatIf, type RuleSetKind, type RulesWhatIfReport } from './rules-what-if.ts';

export interface WhatIfTopics {
  readonly routingInputs: string;
  readonly interactions: string;
  readonly control: string;
}

export const defaultWhatIfTopics: WhatIfTopics = { routingInputs: routingInputsTopic, interactions: 'ledger.interactions', control: 'ledger.control' };

export interface WhatIfSources {
  readonly log: LedgerLog;
  readonly codec: EventCodec;
  readonly personalData: PersonalDataProtector;
  /** The wallboard's settings (service-level threshold, short abandons, time zone) the KPIs use. */
  readonly settings: WallboardSettings;
  readonly topics?: WhatIfTopics;
}

export type WhatIfRequest =
  | { readonly kind: 'routing'; readonly document: string; readonly policyId?: string; readonly from: number; readonly to: number; readonly site?: string; readonly drainMs?: number }
  | { readonly kind: RuleSetKind; readonly document: string; readonly from: number; readonly to: number };

export type WhatIfReport =
  | { readonly kind: 'routing'; readonly from: string; readonly to: string; readonly policyId: string; readonly sites: readonly RoutingWhatIfSite[] }
  | ({ readonly from: string; readonly to: string } & RulesWhatIfReport);

export interface WhatIfProgress {
  readonly phase: 'reading' | 'deciding';
  /** Records read so far, of `total` (the topics' size when the run started). */
  readonly read: number;
  readonly total: number;
}

/** Bad input: names the field and the rule; nothing was read or written. (Bad candidate documents throw the policy's or rule set's own validation error, listing every field.) */
export class WhatIfError extends Error {
  override readonly name = 'WhatIfError';
  readonly retriable = false;
  readonly field: string;
  readonly rule: string;
  readonly errors: readonly { readonly field: string; readonly rule: string; readonly message: string }[];

  constructor(field: string, rule: string, message: string) {
    super(`${field}: ${message} [${rule}]`);
    this.field = field;
    this.rule = rule;
    this.errors = [{ field, rule, message }];
  }
}

/** Default time the simulation runs past the period so late calls reach an outcome. */
export const DEFAULT_DRAIN_MS = 4 * 3_600_000;

export function validateWhatIf(request: WhatIfRequest): void {
  if (!Number.isFinite(request.from)) throw new WhatIfError('from', 'time', 'must be an ISO-8601 time');
  if (!Number.isFinite(request.to)) throw new WhatIfError('to', 'time', 'must be an ISO-8601 time');
  if (!(request.to > request.from)) throw new WhatIfError('to', 'after-from', 'must be after from');
  if (request.kind === 'routing') {
    if (request.drainMs !== undefined && !(Number.isInteger(request.drainMs) && request.drainMs >= 0)) throw new WhatIfError('drainMs', 'minimum', 'must be a non-negative integer');
    const document = parseRoutingPolicy(request.policyId ?? 'what-if', 1, request.document);
    if (document.stage === 'candidate') {
      throw new PolicyValidationError('what-if routing policy', [{ field: 'stage', rule: 'current', message: "must be 'current' (or absent): a what-if puts the policy in force for the whole period" }]);
    }
  } else if (request.kind === 'risk') parseRiskRules(request.document);
  else parseQaRules(request.document);
}

async function topicSize(log: LedgerLog, topic: string): Promise<number | null> {
  const description = await log.describeTopic(topic).catch(() => null);
  return description ? description.partitions.reduce((sum, p) => sum + (p.high - p.low), 0) : null;
}

export async function runWhatIf(sources: WhatIfSources, request: WhatIfRequest, onProgress?: (progress: WhatIfProgress) => void): Promise<WhatIfReport> {
  validateWhatIf(request);
  const topics = sources.topics ?? defaultWhatIfTopics;
  const range = { from: new Date(request.from).toISOString(), to: new Date(request.to).toISOString() };
  if (request.kind === 'routing') {
    const policyId = request.policyId ?? 'what-if';
    const sites = await readSites(sources, topics.routingInputs, request.to + (request.drainMs ?? DEFAULT_DRAIN_MS), request.site, onProgress);
    const reports: RoutingWhatIfSite[] = [];
    for (const [site, inputs] of [...sites.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      reports.push(routingWhatIf(inputs, { site, from: request.from, to: request.to, candidate: { policyId, text: request.document }, settings: sources.settings }));
    }
    return { kind: 'routing', ...range, policyId, sites: reports };
  }
  const control = await readControl(sources, topics.control);
  const interactions = await readInteractions(sources, topics.interactions, request.from, request.to, onProgress);
  onProgress?.({ phase: 'deciding', read: 0, total: 0 });
  return { ...range, ...rulesWhatIf({ kind: request.kind, candidateText: request.document, control, interactions: interactions.values() }) };
}

/** Each site's routing inputs in stream order, up to `until` (event time). */
async function readSites(sources: WhatIfSources, topic: string, until: number, site: string | undefined, onProgress?: (progress: WhatIfProgress) => void): Promise<Map<string, RoutingInput[]>> {
  const total = await topicSize(sources.log, topic);
  const sites = new Map<string, RoutingInput[]>();
  if (total === null) return sites;
  let read = 0;
  const repeats = new RepeatFilter();
  for await (const batch of sources.log.readRange({ topic, batchSize: 2000 })) {
    for (const record of batch) {
      if (repeats.isRepeat(record)) continue; // the sequencer's at-least-once repeat: routing dropped it too
      const key = record.key ?? '';
      if (site !== undefined && key !== site) continue;
      const input = routingProcessor.accept(await sources.codec.decode(record.value));
      if (!input || input.metadata.occurredAt > until) continue;
      let list = sites.get(key);
      if (!list) sites.set(key, (list = []));
      list.push(input);
    }
    read += batch.length;
    onProgress?.({ phase: 'reading', read, total });
  }
  return sites;
}

async function readControl(sources: WhatIfSources, topic: string): Promise<AnyLedgerEvent[]> {
  const out: AnyLedgerEvent[] = [];
  if ((await topicSize(sources.log, topic)) === null) return out;
  for await (const batch of sources.log.readRange({ topic, batchSize: 2000 })) {
    for (const record of batch) out.push((await sources.codec.decode(record.value)) as unknown as AnyLedgerEvent);
  }
  return out;
}

/**
 * Interactions whose first event (in log order: one interaction lives in one partition) lies in
 * [from, to), each with its events revealed; a subject whose key was shredded reads redacted.
 */
async function readInteractions(sources: WhatIfSources, topic: string, from: number, to: number, onProgress?: (progress: WhatIfProgress) => void): Promise<Map<string, AnyLedgerEvent[]>> {
  const { log, codec, personalData } = sources;
  const total = await topicSize(log, topic);
  const kept = new Map<string, AnyLedgerEvent[]>();
  if (total === null) return kept;
  const outside = new Set<string>();
  let read = 0;
  const repeats = new RepeatFilter();
  for await (const batch of log.readRange({ topic, batchSize: 2000 })) {
    for (const record of batch) {
      if (repeats.isRepeat(record)) continue; // a live-path decision appended twice: consumers dropped it
      const event = await codec.decode(record.value);
      const id = event.metadata.interactionId;
      if (id === null || outside.has(id)) continue;
      let list = kept.get(id);
      if (!list) {
        if (event.metadata.occurredAt < from || event.metadata.occurredAt >= to) {
          outside.add(id);
          continue;
        }
        kept.set(id, (list = []));
      }
      const definition = codec.catalogue.get(event.type);
      const revealed = await personalData.reveal(definition, event).catch(() => personalData.redact(definition, event));
      list.push(revealed as unknown as AnyLedgerEvent);
    }
    read += batch.length;
    onProgress?.({ phase: 'reading', read, total });
  }
  return kept;
}
