// The thin adapter around the queue_log decider: streams the file's lines through it and hands
// the events to the shared import loop (batched appends, checkpoint, rejected lines reported).
import type { AnyLedgerEvent } from '../../../schemas/generated/events.ts';
import { fileKeyOf, type CheckpointStore } from '../runtime/checkpoints.ts';
import type { EventSink } from '../runtime/event-sink.ts';
import { runImport, type ImportProgress, type ImportReport, type ImportStep } from '../runtime/import-runner.ts';
import { readLines } from '../runtime/read-lines.ts';
import { defaultQueueLogSettings, queueLogDecider, QueueLogRejection, type QueueLogSettings } from './queue-log.decider.ts';

export interface ImportQueueLogOptions {
  readonly file: string;
  readonly settings: Partial<QueueLogSettings> & { readonly source: string };
  readonly sink: EventSink;
  readonly checkpoints: CheckpointStore;
  readonly batchSize?: number;
  readonly onRejected?: (lineNo: number, reason: string) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface QueueLogImportReport extends ImportReport {
  /** Housekeeping and other lines with nothing to import (this run). */
  readonly ignored: number;
}

export async function importQueueLog(options: ImportQueueLogOptions): Promise<QueueLogImportReport> {
  const decider = queueLogDecider({ ...defaultQueueLogSettings, ...options.settings });
  const state = decider.initialState();
  async function* steps(): AsyncGenerator<ImportStep> {
    for await (const line of readLines(options.file)) {
      let events: readonly AnyLedgerEvent[];
      try {
        events = decider.decide({ kind: 'line', lineNo: line.lineNo, text: line.text }, state);
      } catch (error) {
        if (!(error instanceof QueueLogRejection)) throw error;
        yield { lineNo: line.lineNo, events: [], rejected: error.message, bytesRead: line.bytesRead };
        continue;
      }
      yield { lineNo: line.lineNo, events, bytesRead: line.bytesRead };
    }
  }
  const report = await runImport({
    steps: steps(),
    finish: () => decider.decide({ kind: 'end' }, state),
    sink: options.sink,
    checkpoints: options.checkpoints,
    key: { source: options.settings.source, format: 'queue-log', fileKey: await fileKeyOf(options.file) },
    batchSize: options.batchSize,
    onRejected: options.onRejected,
    onProgress: options.onProgress,
  });
  return { ...report, ignored: state.ignored };
}
