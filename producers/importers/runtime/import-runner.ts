// The loop both importers share: steps (one per line or CSV record, each with the events it
// caused or the reason it was rejected) are batched into appends; after each append the
// checkpoint moves to the batch's last line. Steps at or before the checkpoint were imported
// already: their events are dropped (the decider still saw them, to rebuild its state), so a
// resumed or repeated import appends only what is new. One batch is encoded while the previous
// one is appended; memory holds at most two batches.
import type { AnyLedgerEvent } from '../../../schemas/generated/events.ts';
import type { CheckpointKey, CheckpointStore, ImportCheckpoint } from './checkpoints.ts';
import type { EventSink } from './event-sink.ts';

export interface ImportStep {
  /** 1-based line (queue_log) or line of the record's start (CSV). */
  readonly lineNo: number;
  readonly events: readonly AnyLedgerEvent[];
  /** Why the line was rejected; its events are then empty. */
  readonly rejected?: string;
  /** Bytes of the file read so far (progress). */
  readonly bytesRead: number;
}

export interface ImportProgress {
  readonly lineNo: number;
  readonly bytesRead: number;
  readonly appended: number;
  readonly rejected: number;
}

export interface ImportReport {
  /** Lines (records) seen in this run. */
  readonly lines: number;
  /** Lines that an earlier run had already imported. */
  readonly alreadyImported: number;
  readonly appended: number;
  readonly rejected: number;
  /** Totals over every run of this file. */
  readonly checkpoint: ImportCheckpoint;
}

export interface RunImportOptions {
  readonly steps: AsyncIterable<ImportStep>;
  /** Events at the end of the input (e.g. closing unfinished calls). */
  readonly finish: () => readonly AnyLedgerEvent[];
  readonly sink: EventSink;
  readonly checkpoints: CheckpointStore;
  readonly key: CheckpointKey;
  /** Events per append. Default 5,000. */
  readonly batchSize?: number;
  readonly onRejected?: (lineNo: number, reason: string) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export async function runImport(options: RunImportOptions): Promise<ImportReport> {
  const batchSize = options.batchSize ?? 5000;
  const previous = await options.checkpoints.load(options.key);
  const done = previous?.lines ?? 0;
  let committed: ImportCheckpoint = previous ?? { lines: 0, events: 0, rejected: 0, completed: false };
  let lines = 0;
  let alreadyImported = 0;
  let appended = 0;
  let rejected = 0;
  let batch: AnyLedgerEvent[] = [];
  let lastLine = done;
  let inFlight: Promise<void> = Promise.resolve();

  const flush = async (completed: boolean) => {
    const events = batch;
    const through = lastLine;
    const rejectedSoFar = rejected;
    batch = [];
    const records = await options.sink.prepare(events);
    await inFlight; // at most one append in flight, in order
    inFlight = (async () => {
      await options.sink.write(records);
      committed = { lines: Math.max(committed.lines, through), events: committed.events + events.length, rejected: (previous?.rejected ?? 0) + rejectedSoFar, completed };
      await options.checkpoints.save(options.key, committed);
    })();
    // Surface a failed append at the next flush at the latest.
    inFlight.catch(() => undefined);
  };

  let bytesRead = 0;
  for await (const step of options.steps) {
    lines += 1;
    bytesRead = step.bytesRead;
    if (step.lineNo <= done) {
      alreadyImported += 1;
      continue;
    }
    lastLine = step.lineNo;
    if (step.rejected !== undefined) {
      rejected += 1;
      options.onRejected?.(step.lineNo, step.rejected);
    } else if (step.events.length > 0) {
      batch.push(...step.events);
      appended += step.events.length;
    }
    if (batch.length >= batchSize) await flush(false);
    if ((lines & 0x3ff) === 0) options.onProgress?.({ lineNo: step.lineNo, bytesRead, appended, rejected });
  }
  const closing = previous?.completed ? [] : options.finish();
  batch.push(...closing);
  appended += closing.length;
  if (!(previous?.completed && batch.length === 0 && lastLine === done)) await flush(true);
  await inFlight;
  options.onProgress?.({ lineNo: lastLine, bytesRead, appended, rejected });
  return { lines, alreadyImported, appended, rejected, checkpoint: committed };
}
