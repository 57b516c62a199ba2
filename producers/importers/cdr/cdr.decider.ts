// One CDR row → the events of one call, under a validated mapping (cdr-mapping.ts). Pure: the
// row's values in, events out; a row it cannot take throws a CdrRejection naming the field, a
// row the mapping excludes gives no events. Event ids are UUIDv5 of the source, the row's line
// and its values, so importing the file again gives the same ids.
//
// The call record: start = the earliest of IVR entry, queue entry, service start. Events:
// InteractionStarted; CustomerIdentified (with a customer id); IvrNodeEntered + IvrExited (with
// an IVR entry: SELF_SERVICE_DONE, TO_AGENT when queued, HANG_UP otherwise); QueueEntered (with a
// queue entry); then by outcome: InteractionAnswered at service start (ANSWERED), or
// InteractionAbandoned at queue exit (QUEUE) or IVR exit (IVR) (ABANDONED); InteractionEnded at
// service end, else queue exit, else IVR exit, else the start.
import type { AnyLedgerEvent, LedgerEventMap, LedgerEventType } from '../../../schemas/generated/events.ts';
import { legacyCallerSubject, legacyEvent, legacyId, legacyInteractionId, normaliseCallerNumber, type EnvelopeParts } from '../legacy-events.ts';
import {
  CdrMappingError, compileFormat, OUTCOMES, TIERS, TIME_FIELDS, VALUE_FIELDS, zonedEpochMs,
  type CdrMapping, type CompiledFormat, type DateParts, type Outcome, type TimeField, type ValueField,
} from './cdr-mapping.ts';

export const CDR_COMPONENT = 'producers/cdr';
export const CDR_VERSION = '1';

export class CdrRejection extends Error {
  override readonly name = 'CdrRejection';
}

export interface CdrRow {
  readonly lineNo: number;
  readonly values: readonly string[];
}

export interface CdrState {
  excluded: number;
  readonly excludedBy: Map<string, number>;
}

export interface CallRecord {
  readonly callId: string;
  readonly callerNumber: string | null;
  readonly customerId: string | null;
  readonly tier: (typeof TIERS)[number];
  readonly priority: number;
  readonly queue: string | null;
  readonly agent: string | null;
  readonly outcome: Outcome;
  readonly times: Partial<Record<TimeField, number>>;
}

interface ValueReader {
  (values: readonly string[]): string | null;
}

/** Resolves the mapping's columns against the file's header; throws CdrMappingError for a missing column. */
export function compileCdrMapping(mapping: CdrMapping, header: readonly string[]) {
  const globalAbsent = new Set(mapping.absent ?? ['', 'NULL', 'null']);
  const indexOf = (column: string, field: string): number => {
    const index = header.indexOf(column);
    if (index >= 0) return index;
    if (/^\d+$/.test(column) && Number(column) < Math.max(header.length, 1_000)) return Number(column);
    throw new CdrMappingError(field, `column '${column}' is not in the file (columns: ${header.slice(0, 30).join(', ')})`);
  };
  const reader = (column: string, field: string, absent: readonly string[] = []): ValueReader => {
    const index = indexOf(column, field);
    const extra = new Set(absent);
    return (values) => {
      const raw = (values[index] ?? '').trim();
      return globalAbsent.has(raw) || extra.has(raw) ? null : raw;
    };
  };

  const fields = {} as Record<ValueField, (values: readonly string[]) => string | null>;
  for (const field of VALUE_FIELDS) {
    const spec = mapping.fields[field];
    if (!spec) {
      fields[field] = () => null;
      continue;
    }
    const read: ValueReader = spec.column !== undefined ? reader(spec.column, `fields.${field}.column`, spec.absent) : () => spec.value ?? null;
    fields[field] = (values) => {
      const raw = read(values);
      if (raw === null) return spec.default ?? null;
      if (!spec.map) return raw;
      const mapped = spec.map[raw];
      if (mapped !== undefined) return mapped;
      if (spec.unmapped === 'reject') throw new CdrRejection(`${field}: '${raw}' is not in the mapping's value map`);
      if (spec.unmapped === 'default') return spec.default ?? null;
      return raw;
    };
  }

  const zone = mapping.timeZone ?? 'UTC';
  const timeAbsent = [...(mapping.timeAbsent ?? [])];
  const times = {} as Record<TimeField, ((values: readonly string[]) => { parts: DateParts; timeOnly: boolean } | null) | undefined>;
  for (const field of TIME_FIELDS) {
    const spec = mapping.times[field];
    if (!spec) continue;
    const absent = [...timeAbsent, ...(spec.absent ?? [])];
    if (spec.column !== undefined) {
      const read = reader(spec.column, `times.${field}.column`, absent);
      const parse: CompiledFormat = compileFormat((spec.format ?? mapping.format)!);
      times[field] = (values) => {
        const raw = read(values);
        if (raw === null) return null;
        const parts = parse(raw);
        if (!parts) throw new CdrRejection(`${field}: '${raw}' does not match the format '${spec.format ?? mapping.format}'`);
        return { parts, timeOnly: false };
      };
    } else {
      const readTime = reader(spec.time!, `times.${field}.time`, absent);
      const parseTime = compileFormat((spec.timeFormat ?? mapping.timeFormat)!);
      const readDate = spec.date !== undefined ? reader(spec.date, `times.${field}.date`) : undefined;
      const parseDate = spec.date !== undefined ? compileFormat((spec.dateFormat ?? mapping.dateFormat)!) : undefined;
      times[field] = (values) => {
        const rawTime = readTime(values);
        if (rawTime === null) return null;
        const time = parseTime(rawTime);
        if (!time) throw new CdrRejection(`${field}: '${rawTime}' does not match the time format '${spec.timeFormat ?? mapping.timeFormat}'`);
        if (!readDate || !parseDate) throw new CdrRejection(`${field}: a time with no date column`);
        const rawDate = readDate(values);
        if (rawDate === null) throw new CdrRejection(`${field}: the date column '${spec.date}' is empty`);
        const date = parseDate(rawDate);
        if (!date) throw new CdrRejection(`${field}: '${rawDate}' does not match the date format '${spec.dateFormat ?? mapping.dateFormat}'`);
        return { parts: { ...date, ...time }, timeOnly: true };
      };
    }
  }

  const toEpoch = (field: TimeField, parts: DateParts): number => {
    if (parts.epochMs !== undefined) return parts.epochMs;
    const full = { year: parts.year ?? NaN, month: parts.month ?? 1, day: parts.day ?? 1, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0, millisecond: parts.millisecond ?? 0 };
    if (!(full.month >= 1 && full.month <= 12 && full.day >= 1 && full.day <= 31 && full.hour <= 24 && full.minute < 60 && full.second < 61) || Number.isNaN(full.year)) {
      throw new CdrRejection(`${field}: not a valid date and time`);
    }
    return zonedEpochMs(full, zone);
  };

  const excludes = (mapping.exclude ?? []).map((rule, i) => {
    const read: (values: readonly string[]) => string | null = rule.column !== undefined ? reader(rule.column, `exclude.${i}.column`) : (values) => fields[rule.field!](values);
    const set = new Set(rule.in ?? []);
    const reason = rule.reason ?? (rule.column !== undefined ? `column ${rule.column}` : `field ${rule.field}`) + (rule.absent ? ' absent' : ` in [${[...set].join(', ')}]`);
    return { test: (values: readonly string[]) => { const v = read(values); return v === null ? rule.absent === true : set.has(v); }, reason };
  });

  return {
    /** Why the mapping leaves this row out, or null. */
    excluded(values: readonly string[]): string | null {
      for (const rule of excludes) if (rule.test(values)) return rule.reason;
      return null;
    },
    record(values: readonly string[]): CallRecord {
      const callId = fields.callId(values);
      if (callId === null) throw new CdrRejection('callId: absent');
      const outcome = fields.outcome(values);
      if (outcome === null) throw new CdrRejection('outcome: absent');
      if (!(OUTCOMES as readonly string[]).includes(outcome)) throw new CdrRejection(`outcome: '${outcome}' is not one of ${OUTCOMES.join(', ')} (add it to fields.outcome.map)`);
      const tier = fields.tier(values) ?? 'UNKNOWN';
      if (!(TIERS as readonly string[]).includes(tier)) throw new CdrRejection(`tier: '${tier}' is not one of ${TIERS.join(', ')} (add it to fields.tier.map)`);
      const priorityText = fields.priority(values);
      const priority = priorityText === null ? 0 : Number(priorityText);
      if (!Number.isInteger(priority)) throw new CdrRejection(`priority: '${priorityText}' is not an integer`);
      // Times: full timestamps as they are; time-only values on the call's date, rolled to the next
      // day when more than 12 h earlier than the previous time of the call (a call across midnight;
      // a smaller step back is an error in the row, rejected below).
      const parsed: Partial<Record<TimeField, number>> = {};
      let previous: number | undefined;
      for (const field of TIME_FIELDS) {
        const read = times[field];
        const value = read?.(values);
        if (!value) continue;
        let at = toEpoch(field, value.parts);
        if (value.timeOnly && previous !== undefined && at < previous - 12 * 3_600_000) at += 86_400_000;
        parsed[field] = at;
        previous = at;
      }
      return {
        callId, callerNumber: normaliseCallerNumber(fields.callerNumber(values)), customerId: fields.customerId(values), tier: tier as CallRecord['tier'], priority,
        queue: fields.queue(values), agent: fields.agent(values), outcome: outcome as Outcome, times: parsed,
      };
    },
  };
}

export type CompiledCdrMapping = ReturnType<typeof compileCdrMapping>;

export interface CdrSettings {
  readonly source: string;
  readonly site: string;
  readonly subjectSalt: string;
}

/** The data subject of a CDR call: the bank's customer when the export names one, else the legacy caller. */
export function cdrDataSubject(record: CallRecord, salt: string): string | null {
  if (record.customerId !== null) return `customer:${record.customerId}`;
  return record.callerNumber === null ? null : legacyCallerSubject(record.callerNumber, salt);
}

export function callRecordEvents(settings: CdrSettings, record: CallRecord, idBase: string): AnyLedgerEvent[] {
  const parts: EnvelopeParts = { source: settings.source, component: CDR_COMPONENT, version: CDR_VERSION };
  const out: AnyLedgerEvent[] = [];
  const interactionId = legacyInteractionId(settings.source, record.callId);
  const subject = cdrDataSubject(record, settings.subjectSalt);
  let index = 0;
  const emit = <T extends LedgerEventType>(type: T, at: number, data: LedgerEventMap[T]) => {
    out.push(legacyEvent(parts, type, legacyId(settings.source, `${idBase}\n${index++}`), at, interactionId, subject, data));
  };
  const t = record.times;
  const starts = [t.ivrEntry, t.queueEntry, t.serviceStart].filter((x): x is number => x !== undefined);
  if (starts.length === 0) throw new CdrRejection('times: none of ivrEntry, queueEntry, serviceStart is present');
  const start = Math.min(...starts);
  const order: [TimeField, TimeField][] = [['ivrEntry', 'ivrExit'], ['queueEntry', 'queueExit'], ['queueEntry', 'serviceStart'], ['serviceStart', 'serviceEnd'], ['ivrExit', 'serviceStart']];
  for (const [a, b] of order) {
    if (t[a] !== undefined && t[b] !== undefined && t[b]! < t[a]!) throw new CdrRejection(`times: ${b} is before ${a}`);
  }
  if (record.outcome === 'ANSWERED') {
    if (t.serviceStart === undefined) throw new CdrRejection('serviceStart: absent on an answered call');
    if (record.agent === null) throw new CdrRejection('agent: absent on an answered call');
  }
  if (record.queue === null && t.queueEntry !== undefined) throw new CdrRejection('queue: absent on a queued call');
  const queueId = record.queue;

  emit('InteractionStarted', start, {
    interactionId, channel: 'VOICE', direction: 'INBOUND', callerNumber: record.callerNumber, dialledNumber: null, site: settings.site,
    previousInteractionId: null, campaignId: null, contactId: null, externalCallId: record.callId,
  });
  if (record.customerId !== null) {
    emit('CustomerIdentified', start, { customerId: record.customerId, method: 'OTHER', tier: record.tier, relationshipAgentId: null, customerName: null, preferredLanguage: null });
  }
  const flowId = `legacy:${settings.source}`;
  if (t.ivrEntry !== undefined) {
    const ivrEnd = t.ivrExit ?? t.queueEntry ?? t.serviceStart ?? t.serviceEnd ?? t.ivrEntry;
    emit('IvrNodeEntered', t.ivrEntry, { flowId, flowVersion: 0, nodeId: 'legacy-ivr', nodeType: 'OTHER', nodeLabel: null, depth: 0, previousNodeId: null });
    const reason = record.outcome === 'SELF_SERVICE' ? 'SELF_SERVICE_DONE' : t.queueEntry !== undefined || record.outcome === 'ANSWERED' ? 'TO_AGENT' : 'HANG_UP';
    emit('IvrExited', ivrEnd, { flowId, flowVersion: 0, lastNodeId: 'legacy-ivr', reason, durationMs: ivrEnd - t.ivrEntry, nodesVisited: 1, intent: null, errorCode: null });
  }
  const visitId = `${interactionId}/visit-1`;
  if (t.queueEntry !== undefined && queueId !== null) {
    emit('QueueEntered', t.queueEntry, { visitId, queueId, tier: record.tier, priority: record.priority, requiredSkills: [], position: 0, expectedWaitMs: null, intent: null });
  }
  let endAt = t.serviceEnd ?? t.queueExit ?? t.ivrExit ?? start;
  if (record.outcome === 'ANSWERED') {
    emit('InteractionAnswered', t.serviceStart!, {
      agentId: record.agent!, offerId: null, queueId, queueWaitMs: t.queueEntry !== undefined ? t.serviceStart! - t.queueEntry : null, ringMs: null,
    });
  } else if (record.outcome === 'ABANDONED') {
    if (t.queueEntry !== undefined) {
      const at = t.queueExit ?? t.serviceEnd;
      if (at === undefined) throw new CdrRejection('queueExit: absent on a call abandoned in the queue');
      emit('InteractionAbandoned', at, { stage: 'QUEUE', waitedMs: at - t.queueEntry, visitId, queueId, position: null, ivrNodeId: null });
      endAt = at;
    } else {
      const at = t.ivrExit ?? t.serviceEnd ?? start;
      emit('InteractionAbandoned', at, { stage: 'IVR', waitedMs: at - start, visitId: null, queueId: null, position: null, ivrNodeId: 'legacy-ivr' });
      endAt = at;
    }
  }
  emit('InteractionEnded', endAt, {
    endedBy: record.outcome === 'ABANDONED' ? 'CUSTOMER' : 'UNKNOWN', durationMs: Math.max(0, endAt - start), agentId: record.outcome === 'ANSWERED' ? record.agent : null, releaseCause: null,
  });
  return out;
}

/** The decider over rows: excluded rows give nothing, others the call's events. */
export function cdrDecider(settings: CdrSettings, compiled: CompiledCdrMapping) {
  return {
    initialState(): CdrState {
      return { excluded: 0, excludedBy: new Map() };
    },
    decide(row: CdrRow, state: CdrState): readonly AnyLedgerEvent[] {
      const reason = compiled.excluded(row.values);
      if (reason !== null) {
        state.excluded += 1;
        state.excludedBy.set(reason, (state.excludedBy.get(reason) ?? 0) + 1);
        return [];
      }
      const record = compiled.record(row.values);
      return callRecordEvents(settings, record, `${row.lineNo}\n${row.values.join('\u001f')}`);
    },
  };
}
