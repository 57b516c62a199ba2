// `call-ledger timeline`: the compliance timeline of an interaction or of every interaction of a
// customer (replay/timeline.ts): events in order with decoded fields (personal fields only for
// the compliance role), decisions with their rule versions, the hash chain verified against the
// latest seal (`--seal` records one), and the decisions re-run from the recorded inputs.
import { writeFileSync } from 'node:fs';
import { readConfig } from '../../platform/config.ts';
import { openLedger } from '../../platform/open-ledger.ts';
import { PostgresSealStore, sealInteraction, TimelineBuilder, timelinesToCsv, type InteractionTimeline, type TimelineRole } from '../../replay/timeline.ts';

export interface TimelineCommandOptions {
  readonly interaction?: string;
  readonly customer?: string;
  readonly role: TimelineRole;
  readonly format: 'json' | 'csv';
  readonly seal?: boolean;
  readonly out?: string;
}

export async function timelineCommand(options: TimelineCommandOptions): Promise<void> {
  if ((options.interaction === undefined) === (options.customer === undefined)) throw new Error('timeline: give exactly one of --interaction <id> or --customer <id>');
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
