// The declarative mapping of a call-level CDR export (CSV/TSV) to the ledger's call record:
// which column holds what, how dates and times are written, which values mean "absent", value
// maps (codes → tiers, service types → queues, result codes → outcomes) and which rows to leave
// out. Validated with ajv (errors name the field); pure: no file or clock access.
import { Ajv } from 'ajv';

export const OUTCOMES = ['ANSWERED', 'ABANDONED', 'SELF_SERVICE'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const TIERS = ['VIP', 'PRIORITY', 'STANDARD', 'UNKNOWN'] as const;
export const TIME_FIELDS = ['ivrEntry', 'ivrExit', 'queueEntry', 'queueExit', 'serviceStart', 'serviceEnd'] as const;
export type TimeField = (typeof TIME_FIELDS)[number];
export const VALUE_FIELDS = ['callId', 'callerNumber', 'customerId', 'tier', 'priority', 'queue', 'agent', 'outcome'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

export interface ValueSpec {
  /** Column name (with a header) or 0-based index as a string. */
  readonly column?: string;
  /** A constant instead of a column. */
  readonly value?: string;
  /** Values meaning "absent" for this field, in addition to the mapping's `absent`. */
  readonly absent?: readonly string[];
  /** Code → value; applied after trimming. */
  readonly map?: Readonly<Record<string, string>>;
  /** A value the map does not know: keep it as is (default), use `default`, or reject the row. */
  readonly unmapped?: 'keep' | 'default' | 'reject';
  /** Used when the value is absent (or unmapped with unmapped = default). */
  readonly default?: string;
}

export interface TimeSpec {
  /** One column holding date and time (`format`), or... */
  readonly column?: string;
  /** ...a date column and a time column, combined (`dateFormat` + `timeFormat`). */
  readonly date?: string;
  readonly time?: string;
  readonly format?: string;
  readonly dateFormat?: string;
  readonly timeFormat?: string;
  readonly absent?: readonly string[];
}

export interface ExcludeRule {
  readonly column?: string;
  readonly field?: ValueField;
  /** Excluded when the value is one of these... */
  readonly in?: readonly string[];
  /** ...or when it is absent. */
  readonly absent?: boolean;
  readonly reason?: string;
}

export interface CdrMapping {
  readonly version: 1;
  readonly csv?: {
    readonly delimiter?: string;
    readonly quote?: string;
    readonly header?: boolean;
    /** Column names when the file has no header. */
    readonly columns?: readonly string[];
    readonly encoding?: 'utf8' | 'latin1' | 'utf16le';
  };
  /** IANA zone or ±HH:MM of the times in the file. Default UTC. */
  readonly timeZone?: string;
  /** Values meaning "absent" in every column. Default "", NULL, null. */
  readonly absent?: readonly string[];
  /** Extra values meaning "absent" in every time column (e.g. 0:00:00). */
  readonly timeAbsent?: readonly string[];
  /** Defaults for the time specs. */
  readonly dateFormat?: string;
  readonly timeFormat?: string;
  readonly format?: string;
  readonly fields: { readonly callId: ValueSpec } & Partial<Record<Exclude<ValueField, 'callId'>, ValueSpec>>;
  readonly times: Partial<Record<TimeField, TimeSpec>>;
  readonly exclude?: readonly ExcludeRule[];
  /** Site (routing domain) of the calls. Default "legacy". */
  readonly site?: string;
}

const stringList = { type: 'array', items: { type: 'string' } };
const valueSpec = {
  type: 'object', additionalProperties: false,
  properties: {
    column: { type: 'string', minLength: 1 }, value: { type: 'string' }, absent: stringList,
    map: { type: 'object', additionalProperties: { type: 'string' } }, unmapped: { enum: ['keep', 'default', 'reject'] }, default: { type: 'string' },
  },
  oneOf: [{ required: ['column'] }, { required: ['value'] }],
};
const timeSpec = {
  type: 'object', additionalProperties: false,
  properties: {
    column: { type: 'string', minLength: 1 }, date: { type: 'string', minLength: 1 }, time: { type: 'string', minLength: 1 },
    format: { type: 'string', minLength: 1 }, dateFormat: { type: 'string', minLength: 1 }, timeFormat: { type: 'string', minLength: 1 }, absent: stringList,
  },
  oneOf: [{ required: ['column'] }, { required: ['time'] }],
};

export const cdrMappingSchema = {
  type: 'object', additionalProperties: false, required: ['version', 'fields', 'times'],
  properties: {
    version: { const: 1 },
    csv: {
      type: 'object', additionalProperties: false,
      properties: {
        delimiter: { type: 'string', minLength: 1 }, quote: { type: 'string', maxLength: 1 }, header: { type: 'boolean' }, columns: stringList,
        encoding: { enum: ['utf8', 'latin1', 'utf16le'] },
      },
    },
    timeZone: { type: 'string', minLength: 1 },
    absent: stringList, timeAbsent: stringList,
    dateFormat: { type: 'string' }, timeFormat: { type: 'string' }, format: { type: 'string' },
    site: { type: 'string', minLength: 1 },
    fields: {
      type: 'object', additionalProperties: false, required: ['callId'],
      properties: Object.fromEntries(VALUE_FIELDS.map((f) => [f, valueSpec])),
    },
    times: { type: 'object', additionalProperties: false, properties: Object.fromEntries(TIME_FIELDS.map((f) => [f, timeSpec])) },
    exclude: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false,
        properties: { column: { type: 'string' }, field: { enum: [...VALUE_FIELDS] }, in: stringList, absent: { type: 'boolean' }, reason: { type: 'string' } },
        oneOf: [{ required: ['column'] }, { required: ['field'] }],
      },
    },
  },
} as const;

export class CdrMappingError extends Error {
  override readonly name = 'CdrMappingError';
  readonly field: string;
  constructor(field: string, rule: string) {
    super(`mapping: ${field}: ${rule}`);
    this.field = field;
  }
}

const validate = new Ajv({ allErrors: false, strict: false }).compile(cdrMappingSchema);

/** Checks a parsed mapping file; throws a CdrMappingError naming the field. */
export function validateCdrMapping(value: unknown): CdrMapping {
  if (!validate(value)) {
    const error = validate.errors?.[0];
    const path = (error?.instancePath ?? '').split('/').filter(Boolean).join('.') || '(mapping)';
    const extra = error?.params && 'additionalProperty' in error.params ? ` '${String(error.params.additionalProperty)}'` : '';
    const allowed = error?.params && 'allowedValues' in error.params ? ` (${(error.params.allowedValues as unknown[]).join(', ')})` : '';
    throw new CdrMappingError(path, `${error?.message ?? 'invalid'}${extra}${allowed}`);
  }
  const mapping = value as CdrMapping;
  for (const field of ['tier', 'outcome'] as const) {
    const spec = mapping.fields[field];
    const allowed: readonly string[] = field === 'tier' ? TIERS : OUTCOMES;
    for (const [code, mapped] of Object.entries(spec?.map ?? {})) {
      if (!allowed.includes(mapped)) throw new CdrMappingError(`fields.${field}.map.${code}`, `must be one of ${allowed.join(', ')}`);
    }
    if (spec?.default !== undefined && !allowed.includes(spec.default)) throw new CdrMappingError(`fields.${field}.default`, `must be one of ${allowed.join(', ')}`);
  }
  if (!mapping.fields.outcome) throw new CdrMappingError('fields.outcome', 'is required (answered / abandoned / self-service)');
  for (const field of TIME_FIELDS) {
    const spec = mapping.times[field];
    if (!spec) continue;
    if (spec.column !== undefined && (spec.date !== undefined || spec.time !== undefined)) throw new CdrMappingError(`times.${field}`, 'give either column, or date and time');
    if (spec.column !== undefined && !(spec.format ?? mapping.format)) throw new CdrMappingError(`times.${field}.format`, 'is required (or a mapping-wide format)');
    if (spec.time !== undefined && !(spec.timeFormat ?? mapping.timeFormat)) throw new CdrMappingError(`times.${field}.timeFormat`, 'is required (or a mapping-wide timeFormat)');
    if (spec.date !== undefined && !(spec.dateFormat ?? mapping.dateFormat)) throw new CdrMappingError(`times.${field}.dateFormat`, 'is required (or a mapping-wide dateFormat)');
    for (const format of [spec.format ?? (spec.column ? mapping.format : undefined), spec.dateFormat ?? (spec.date ? mapping.dateFormat : undefined), spec.timeFormat ?? (spec.time ? mapping.timeFormat : undefined)]) {
      if (format !== undefined) {
        try {
          compileFormat(format);
        } catch (error) {
          throw new CdrMappingError(`times.${field}`, (error as Error).message);
        }
      }
    }
  }
  if (!mapping.times.queueEntry && !mapping.times.ivrEntry && !mapping.times.serviceStart) throw new CdrMappingError('times', 'needs at least one of ivrEntry, queueEntry, serviceStart');
  if (mapping.timeZone !== undefined) {
    try {
      zoneOffsetMs(mapping.timeZone, 0);
    } catch {
      throw new CdrMappingError('timeZone', `'${mapping.timeZone}' is not an IANA time zone or ±HH:MM`);
    }
  }
  return mapping;
}

// ---- date and time formats ----------------------------------------------------------------

export interface DateParts {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
  /** Epoch ms given directly (epoch formats). */
  epochMs?: number;
}

const TOKENS: Record<string, { re: string; part: keyof DateParts }> = {
  YYYY: { re: '(\\d{4})', part: 'year' }, YY: { re: '(\\d{2})', part: 'year' },
  MM: { re: '(\\d{2})', part: 'month' }, M: { re: '(\\d{1,2})', part: 'month' },
  DD: { re: '(\\d{2})', part: 'day' }, D: { re: '(\\d{1,2})', part: 'day' },
  HH: { re: '(\\d{2})', part: 'hour' }, H: { re: '(\\d{1,2})', part: 'hour' },
  mm: { re: '(\\d{2})', part: 'minute' }, ss: { re: '(\\d{2})', part: 'second' },
  SSS: { re: '(\\d{3})', part: 'millisecond' },
};
const TOKEN_RE = /YYYY|YY|SSS|MM|DD|HH|mm|ss|M|D|H/g;

export type CompiledFormat = (text: string) => DateParts | null;

/** Formats: tokens YYYY YY MM M DD D HH H mm ss SSS with literal separators; or `epoch` (s), `epoch-ms`. */
export function compileFormat(format: string): CompiledFormat {
  if (format === 'epoch') return (text) => (/^\d+(\.\d+)?$/.test(text) ? { epochMs: Math.round(Number(text) * 1000) } : null);
  if (format === 'epoch-ms') return (text) => (/^\d+$/.test(text) ? { epochMs: Number(text) } : null);
  const parts: (keyof DateParts)[] = [];
  let pattern = '';
  let last = 0;
  for (const match of format.matchAll(TOKEN_RE)) {
    pattern += format.slice(last, match.index).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern += TOKENS[match[0]].re;
    parts.push(TOKENS[match[0]].part);
    last = match.index + match[0].length;
  }
  pattern += format.slice(last).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (parts.length === 0) throw new Error(`format '${format}' has no date or time tokens (YYYY MM DD HH mm ss SSS, epoch, epoch-ms)`);
  const re = new RegExp(`^${pattern}$`);
  const twoDigitYear = format.includes('YY') && !format.includes('YYYY');
  return (text) => {
    const match = re.exec(text);
    if (!match) return null;
    const out: DateParts = {};
    parts.forEach((part, i) => {
      out[part] = Number(match[i + 1]);
    });
    if (twoDigitYear && out.year !== undefined) out.year += out.year < 70 ? 2000 : 1900;
    return out;
  };
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Offset (ms) of a zone from UTC at an instant; fixed offsets ±HH:MM, Z and UTC need no lookup. */
export function zoneOffsetMs(zone: string, at: number): number {
  const fixed = /^(?:UTC)?([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
  if (zone === 'UTC' || zone === 'Z') return 0;
  const hour = Math.floor(at / 3_600_000);
  const cacheKey = `${zone}|${hour}`;
  const cached = offsetCache.get(cacheKey);
  if (cached !== undefined) return cached;
  let formatter = zoneFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    zoneFormatters.set(zone, formatter);
  }
  const p = Object.fromEntries(formatter.formatToParts(new Date(hour * 3_600_000)).map((x) => [x.type, Number(x.value)]));
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - hour * 3_600_000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(cacheKey, offset);
  return offset;
}

/** Local wall-clock parts in a zone → epoch ms. */
export function zonedEpochMs(parts: Required<Omit<DateParts, 'epochMs'>>, zone: string): number {
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.millisecond);
  let guess = asUtc - zoneOffsetMs(zone, asUtc);
  guess = asUtc - zoneOffsetMs(zone, guess);
  return guess;
}
