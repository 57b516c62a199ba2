// `call-ledger redrive`: copies a range of a topic (offsets or record times) into a target topic,
// keys, headers and per-key order kept (replay/redrive.ts). A dry run prints the count per
// partition first; without --dry-run the same count is shown, then the copy runs with progress.
import cliProgress from 'cli-progress';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { redrive, RedriveError, type RedriveRange } from '../../replay/redrive.ts';

export interface RedriveCommandOptions {
  readonly topic: string;
  readonly to: string;
  readonly fromOffset?: string;
  readonly toOffset?: string;
  readonly fromTime?: string;
  readonly toTime?: string;
  readonly dryRun?: boolean;
}

function time(flag: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RedriveError(`${flag}: not an ISO-8601 time: ${value}`);
  return ms;
}

export function rangeOf(options: RedriveCommandOptions): RedriveRange {
  const byOffset = options.fromOffset !== undefined || options.toOffset !== undefined;
  const byTime = options.fromTime !== undefined || options.toTime !== undefined;
  if (byOffset === byTime) throw new RedriveError('give either --from-offset [--to-offset] or --from-time [--to-time]');
  if (byOffset) {
    if (options.fromOffset === undefined) throw new RedriveError('--from-offset is required with --to-offset');
    return { kind: 'offsets', fromOffset: Number(options.fromOffset), toOffset: options.toOffset === undefined ? undefined : Number(options.toOffset) };
  }
  if (options.fromTime === undefined) throw new RedriveError('--from-time is required with --to-time');
  return { kind: 'time', fromTime: time('--from-time', options.fromTime), toTime: options.toTime === undefined ? undefined : time('--to-time', options.toTime) };
}

export async function redriveCommand(options: RedriveCommandOptions): Promise<void> {
  const range = rangeOf(options);
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  const { log } = ledger;
  const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'redrive [{bar}] {value}/{total} records', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  try {
    const dry = await redrive({ source: log, topic: options.topic, to: options.to, range, dryRun: true });
    console.error(`redrive: ${dry.records} records of ${options.topic} in range (${dry.partitions.map((p) => `p${p.partition}: ${p.records}`).join(', ')})`);
    if (options.dryRun) {
      console.log(JSON.stringify(dry, null, 2));
      return;
    }
    bar?.start(dry.records, 0);
    const report = await redrive({ source: log, topic: options.topic, to: options.to, range, onProgress: ({ copied }) => bar?.update(copied) });
    bar?.stop();
    console.log(JSON.stringify(report, null, 2));
  } finally {
    bar?.stop();
    await ledger.close();
  }
}
