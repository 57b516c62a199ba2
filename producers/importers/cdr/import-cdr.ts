// The thin adapter around the CDR decider: streams the file through csv-parse (constant memory),
// resolves the mapping against the header, and hands each record's events (or the reason it was
// rejected) to the shared import loop. Malformed CSV records (bad quoting, wrong column count)
// are rejected with their line number; the import goes on.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import type { AnyLedgerEvent } from '../../../schemas/generated/events.ts';
import { fileKeyOf, type CheckpointStore } from '../runtime/checkpoints.ts';
import type { EventSink } from '../runtime/event-sink.ts';
import { runImport, type ImportProgress, type ImportReport, type ImportStep } from '../runtime/import-runner.ts';
import { validateCdrMapping, type CdrMapping } from './cdr-mapping.ts';
import { cdrDecider, CdrRejection, compileCdrMapping } from './cdr.decider.ts';

export async function loadCdrMapping(path: string): Promise<CdrMapping> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`mapping ${path}: ${(error as Error).message}`, { cause: error });
  }
  return validateCdrMapping(parsed);
}

export interface ImportCdrOptions {
  readonly file: string;
  readonly mapping: CdrMapping;
  readonly source: string;
  readonly subjectSalt?: string;
  readonly sink: EventSink;
  readonly checkpoints: CheckpointStore;
  readonly batchSize?: number;
  readonly onRejected?: (lineNo: number, reason: string) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface CdrImportReport extends ImportReport {
  /** Rows the mapping's exclude rules left out (this run), by reason. */
  readonly excluded: number;
  readonly excludedBy: ReadonlyMap<string, number>;
}

export async function importCdr(options: ImportCdrOptions): Promise<CdrImportReport> {
  const { mapping } = options;
  const header = mapping.csv?.header ?? true;
  const input = createReadStream(options.file, { encoding: undefined, highWaterMark: 1 << 20 });
  let bytesRead = 0;
  input.on('data', (chunk) => {
    bytesRead += chunk.length;
  });
  const skipped: { line: number; reason: string }[] = [];
  const parser = input.pipe(parse({
    delimiter: mapping.csv?.delimiter ?? ',',
    quote: mapping.csv?.quote ?? '"',
    encoding: mapping.csv?.encoding ?? 'utf8',
    bom: true,
    columns: false,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      skipped.push({ line: Number((error as { lines?: number } | undefined)?.lines ?? 0), reason: `CSV: ${error?.message ?? 'malformed record'}` });
      return undefined;
    },
  }));

  let decider: ReturnType<typeof cdrDecider> | undefined;
  let state: ReturnType<ReturnType<typeof cdrDecider>['initialState']> | undefined;
  const settings = { source: options.source, site: mapping.site ?? 'legacy', subjectSalt: options.subjectSalt ?? '' };
  if (!header) {
    decider = cdrDecider(settings, compileCdrMapping(mapping, mapping.csv?.columns ?? []));
    state = decider.initialState();
  }

  async function* steps(): AsyncGenerator<ImportStep> {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      while (skipped.length > 0) {
        const skip = skipped.shift()!;
        yield { lineNo: skip.line, events: [], rejected: skip.reason, bytesRead };
      }
      const lineNo = info.lines;
      if (!decider || !state) {
        decider = cdrDecider(settings, compileCdrMapping(mapping, record.map((c) => c.trim())));
        state = decider.initialState();
        yield { lineNo, events: [], bytesRead };
        continue;
      }
      let events: readonly AnyLedgerEvent[];
      try {
        events = decider.decide({ lineNo, values: record }, state);
      } catch (error) {
        if (!(error instanceof CdrRejection)) throw error;
        yield { lineNo, events: [], rejected: error.message, bytesRead };
        continue;
      }
      yield { lineNo, events, bytesRead };
    }
    for (const skip of skipped.splice(0)) yield { lineNo: skip.line, events: [], rejected: skip.reason, bytesRead };
  }

  const report = await runImport({
    steps: steps(),
    finish: () => [],
    sink: options.sink,
    checkpoints: options.checkpoints,
    key: { source: options.source, format: 'cdr', fileKey: await fileKeyOf(options.file) },
    batchSize: options.batchSize,
    onRejected: options.onRejected,
    onProgress: options.onProgress,
  });
  return { ...report, excluded: state?.excluded ?? 0, excludedBy: state?.excludedBy ?? new Map() };
}
