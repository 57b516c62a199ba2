// Where a processor output came from, and how a consumer drops the outputs it has already seen.
//
// Live-path processors append their outputs at-least-once (log/port.ts, outputDelivery): after a
// crash between the append and the checkpoint, the inputs are decided again and the same
// outputs (same bytes, same event ids) are appended a second time. Each output carries its
// position: the writing group, the input record it was decided on, and its index among that
// input's outputs. One writer decides one input partition in offset order and appends each batch
// only after the previous one was acknowledged, so within any partition of the output topic the
// outputs of one (group, input partition) arrive in increasing position; a redelivery starts at
// or before the last position already appended. A consumer that remembers the highest position
// per (group, input partition) therefore drops every repeat exactly, in memory proportional to
// the number of upstream partitions — however long the writer was down.
import type { Headers, LogRecord } from '../../log/port.ts';

export const sourceHeader = 'ledger_source';

export interface SourcePosition {
  /** Group, input topic and partition of the writer: positions compare only within one. */
  readonly stream: string;
  readonly offset: number;
  readonly index: number;
}

export function sourceHeaderValue(group: string, topic: string, partition: number, offset: number, index: number): string {
  return `${group}|${topic}|${partition}|${offset}|${index}`;
}

export function sourcePositionOf(headers: Headers): SourcePosition | undefined {
  const value = headers[sourceHeader];
  if (value === undefined) return undefined;
  const parts = value.split('|');
  if (parts.length !== 5) return undefined;
  const offset = Number(parts[3]);
  const index = Number(parts[4]);
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(index)) return undefined;
  return { stream: `${parts[0]}|${parts[1]}|${parts[2]}`, offset, index };
}

/** Highest position seen per upstream stream, by one consumer partition. Part of the processor's state. */
export class SourceMarks {
  readonly #marks: Map<string, [offset: number, index: number]>;

  constructor(entries: readonly (readonly [string, number, number])[] = []) {
    this.#marks = new Map(entries.map(([stream, offset, index]) => [stream, [offset, index]]));
  }

  /** True when the record is a repeat of one already seen; otherwise remembers it. Records without a position are never repeats. */
  seenBefore(headers: Headers): boolean {
    const position = sourcePositionOf(headers);
    if (!position) return false;
    const mark = this.#marks.get(position.stream);
    if (mark && (position.offset < mark[0] || (position.offset === mark[0] && position.index <= mark[1]))) return true;
    this.#marks.set(position.stream, [position.offset, position.index]);
    return false;
  }

  toJSON(): [string, number, number][] {
    return [...this.#marks].map(([stream, [offset, index]]) => [stream, offset, index]);
  }
}

/** For readers of whole topics (replays, tools): repeats dropped by position, partition by partition. */
export class RepeatFilter {
  readonly #marks = new Map<string, SourceMarks>();

  isRepeat(record: Pick<LogRecord, 'topic' | 'partition' | 'headers'>): boolean {
    const key = `${record.topic}#${record.partition}`;
    let marks = this.#marks.get(key);
    if (!marks) this.#marks.set(key, (marks = new SourceMarks()));
    return marks.seenBefore(record.headers);
  }
}
