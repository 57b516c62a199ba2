// `call-ledger timeline`: the compliance timeline of an interaction or of every interaction of a
// customer (replay/timeline.ts): events in order with decoded fields (personal fields only for
// the compliance role), decisions with their rule versions, the hash chain verified against the
// latest seal (`--seal` records one), and the decisions re-run from the recorded inputs. The read
// is audited: a DataAccessed naming the operator (`--actor`, default the OS account) is appended
// before anything is shown (replay/timeline-access.ts).
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { PostgresSealStore, sealInteraction, TimelineBuilder, timelinesToCsv, type InteractionTimeline, type TimelineRole } from '../../replay/timeline.ts';
import { recordTimelineAccess } from '../../replay/timeline-access.ts';

export interface TimelineCommandOptions {
  readonly interaction?: string;
  readonly customer?: string;
  readonly role: TimelineRole;
  readonly format: 'json' | 'csv';
  readonly seal?: boolean;
  readonly out?: string;
  /** Who reads (recorded in the audit log); default the operating-system account. */
  readonly actor?: string;
  readonly purpose: string;
}

export async function timelineCommand(options: TimelineCommandOptions): Promise<void> {
  if ((options.interaction === undefined) === (options.customer === undefined)) throw new Error('timeline: give exactly one of --interaction <id> or --customer <id>');
  const actorId = options.actor ?? userInfo().username;
  if (!actorId.trim()) throw new Error('timeline: --actor must name the person reading (empty; no operating-system account name either)');
  const ledger = await openLedger(readConfig(), { warn: (message) => console.error(message) });
  let flagged: boolean;
  try {
    const seals = new PostgresSealStore(ledger.pool, ledger.config.dbSchema);
    await seals.migrate();
    const builder = new TimelineBuilder({ log: ledger.log, codec: ledger.codec, personalData: ledger.personalData, seals });
    const ids = options.interaction ? [options.interaction] : await builder.interactionsOf(options.customer ?? '');
    console.error(`timeline: ${ids.length} interaction(s)`);
    const timelines: InteractionTimeline[] = [];
    for (const [i, id] of ids.entries()) {
      process.stderr.write(`\rtimeline: ${i + 1}/${ids.length} ${id}   `);
      if (options.seal) {
        const sealed = await sealInteraction(builder, seals, id);
        console.error(`\ntimeline: sealed ${id}: ${sealed.events} events, head ${sealed.head}`);
      }
      timelines.push(await builder.build(id, options.role));
    }
    process.stderr.write('\n');
    await recordTimelineAccess(ledger.log, ledger.codec, { actorId, purpose: options.purpose, action: options.out ? 'EXPORT' : 'READ' }, timelines, Date.now());
    const text = options.format === 'csv'
      ? timelinesToCsv(timelines)
      : `${JSON.stringify(options.customer ? { customer: options.customer, role: options.role, interactions: timelines } : timelines[0], null, 2)}\n`;
    if (options.out) writeFileSync(options.out, text);
    else process.stdout.write(text);
    for (const t of timelines) console.error(`timeline: ${t.interactionId}: ${t.events.length} events, chain ${t.chain.verification.status}, decisions ${t.replay.result}`);
    flagged = timelines.some((t) => t.chain.verification.status === 'altered' || t.replay.result !== 'reproduced');
  } finally {
    await ledger.close();
  }
  // Exit code 2 for scheduled checks (set explicitly: a dependency resets process.exitCode on exit).
  if (flagged) {
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(2);
  }
}
