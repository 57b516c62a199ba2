// `call-ledger import queue-log|cdr`: legacy records into the ledger (docs/migration.md), with a
// progress bar on stderr, rejected lines on stderr (and optionally in a TSV file), and a summary.
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import cliProgress from 'cli-progress';
import { readConfig } from '../../platform/config.ts';
import { openLedger, type Ledger } from '../../platform/open-ledger.ts';
import { PostgresCheckpointStore } from '../../producers/importers/runtime/checkpoints.ts';
import { logSink } from '../../producers/importers/runtime/event-sink.ts';
import type { ImportProgress, ImportReport } from '../../producers/importers/runtime/import-runner.ts';
import { importQueueLog } from '../../producers/importers/asterisk-queue-log/import-queue-log.ts';
import { importCdr, loadCdrMapping } from '../../producers/importers/cdr/import-cdr.ts';
import { checkSourceName } from '../../producers/importers/legacy-events.ts';

export interface CommonImportOptions {
  readonly source: string;
  readonly batchSize?: string;
  readonly rejects?: string;
  readonly subjectSalt?: string;
  readonly progress?: boolean;
}

export interface QueueLogCommandOptions extends CommonImportOptions {
  readonly site?: string;
  readonly horizon?: string;
  readonly keepOpen?: boolean;
}

export interface CdrCommandOptions extends CommonImportOptions {
  readonly mapping: string;
}

const MAX_REJECTS_SHOWN = 50;

async function withImport(file: string, options: CommonImportOptions, body: (ledger: Ledger, hooks: {
  checkpoints: PostgresCheckpointStore; onRejected: (line: number, reason: string) => void; onProgress: (p: ImportProgress) => void;
}) => Promise<ImportReport>): Promise<void> {
  checkSourceName(options.source);
  const size = statSync(file).size;
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  const bar = options.progress === false || !process.stderr.isTTY ? undefined : new cliProgress.SingleBar({
    format: 'import [{bar}] {percentage}% | {value}/{total} MB | line {line} | {events} events | {rejected} rejected | eta {eta_formatted}',
    stream: process.stderr,
  }, cliProgress.Presets.shades_classic);
  let rejectsFile: WriteStream | undefined;
  let shown = 0;
  try {
    await ledger.log.createTopics(['ledger.interactions', 'ledger.agents'].map((topic) => ({ topic, partitions: ledger.config.topicPartitions, replicationFactor: ledger.config.topicReplication })));
    const checkpoints = new PostgresCheckpointStore(ledger.pool, ledger.config.dbSchema);
    await checkpoints.migrate();
    if (options.rejects) {
      rejectsFile = createWriteStream(options.rejects, { flags: 'a' });
      rejectsFile.write('line\treason\n');
    }
    bar?.start(Math.max(1, Math.round(size / 1e6)), 0, { line: 0, events: 0, rejected: 0 });
    const report = await body(ledger, {
      checkpoints,
      onRejected(line, reason) {
        rejectsFile?.write(`${line}\t${reason.replace(/[\t\n]/g, ' ')}\n`);
        if (shown++ < MAX_REJECTS_SHOWN) {
          bar?.stop();
          console.error(`${file}:${line}: rejected: ${reason}`);
          if (shown === MAX_REJECTS_SHOWN) console.error(`(further rejected lines ${options.rejects ? `only in ${options.rejects}` : 'not shown; use --rejects <file>'})`);
        }
      },
      onProgress(p) {
        bar?.update(Math.round(p.bytesRead / 1e6), { line: p.lineNo, events: p.appended, rejected: p.rejected });
      },
    });
    bar?.update(Math.max(1, Math.round(size / 1e6)));
    bar?.stop();
    const { checkpoint, ...run } = report;
    console.log(JSON.stringify({ file, source: `legacy:${options.source}`, ...Object.fromEntries(Object.entries(run as Record<string, unknown>).map(([k, v]) => [k, v instanceof Map ? Object.fromEntries(v) : v])), total: checkpoint }, null, 2));
  } finally {
    bar?.stop();
    rejectsFile?.end();
    await ledger.close();
  }
}

export function importQueueLogCommand(file: string, options: QueueLogCommandOptions): Promise<void> {
  return withImport(file, options, (ledger, hooks) => importQueueLog({
    file,
    settings: {
      source: options.source,
      ...(options.site ? { site: options.site } : {}),
      ...(options.horizon ? { horizonMs: Number(options.horizon) * 1000 } : {}),
      keepOpenAtEnd: options.keepOpen === true,
      subjectSalt: options.subjectSalt ?? '',
    },
    sink: logSink({ log: ledger.log, codec: ledger.codec }),
    batchSize: options.batchSize ? Number(options.batchSize) : undefined,
    ...hooks,
  }));
}

export async function importCdrCommand(file: string, options: CdrCommandOptions): Promise<void> {
  const mapping = await loadCdrMapping(options.mapping);
  return withImport(file, options, (ledger, hooks) => importCdr({
    file, mapping, source: options.source, subjectSalt: options.subjectSalt ?? '',
    sink: logSink({ log: ledger.log, codec: ledger.codec }),
    batchSize: options.batchSize ? Number(options.batchSize) : undefined,
    ...hooks,
  }));
}
