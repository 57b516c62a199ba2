// The thin adapter around the contact mapping: streams the CSV through csv-parse (constant
// memory) into the shared import loop (producers/importers/runtime), so a contact list import
// is resumable (checkpoint per campaign and file) and re-importing it appends nothing new.
import { createReadStream } from 'node:fs';
import { parse, type CsvError } from 'csv-parse';
import { fileKeyOf, type CheckpointStore } from '../importers/runtime/checkpoints.ts';
import type { EventSink } from '../importers/runtime/event-sink.ts';
import { runImport, type ImportProgress, type ImportReport, type ImportStep } from '../importers/runtime/import-runner.ts';
import { columnIndexes, contactEvent, ContactRowRejected, type ContactImportSettings } from './contact-mapping.ts';

export interface ImportContactsOptions {
  readonly file: string;
  readonly settings: ContactImportSettings;
  readonly sink: EventSink;
  readonly checkpoints: CheckpointStore;
  readonly batchSize?: number;
  readonly onRejected?: (lineNo: number, reason: string) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export async function importContacts(options: ImportContactsOptions): Promise<ImportReport> {
  const { mapping } = options.settings;
  const input = createReadStream(options.file);
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const skipped: { line: number; reason: string }[] = [];
  const parser = input.pipe(parse({
    delimiter: mapping.csv?.delimiter ?? ',', bom: true, columns: false, relax_column_count: true, skip_empty_lines: true, info: true, skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      skipped.push({ line: Number((error as { lines?: number } | undefined)?.lines ?? 0), reason: `CSV: ${error?.message ?? 'malformed record'}` });
      return undefined;
    },
  }));

  async function* steps(): AsyncGenerator<ImportStep> {
    let indexes: Record<string, number> | undefined;
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      for (const skip of skipped.splice(0)) yield { lineNo: skip.line, events: [], rejected: skip.reason, bytesRead };
      if (!indexes) {
        indexes = columnIndexes(mapping, record.map((c) => c.trim())); // a header that lacks a mapped column stops the import before anything is appended
        yield { lineNo: info.lines, events: [], bytesRead };
        continue;
      }
      try {
        yield { lineNo: info.lines, events: [contactEvent(options.settings, indexes, record)], bytesRead };
      } catch (error) {
        if (!(error instanceof ContactRowRejected)) throw error;
        yield { lineNo: info.lines, events: [], rejected: error.message, bytesRead };
      }
    }
    for (const skip of skipped.splice(0)) yield { lineNo: skip.line, events: [], rejected: skip.reason, bytesRead };
  }

  return runImport({
    steps: steps(),
    finish: () => [],
    sink: options.sink,
    checkpoints: options.checkpoints,
    key: { source: `campaign:${options.settings.config.campaignId}`, format: 'campaign-contacts', fileKey: await fileKeyOf(options.file) },
    batchSize: options.batchSize,
    onRejected: options.onRejected,
    onProgress: options.onProgress,
  });
}
