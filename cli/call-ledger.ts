// call-ledger: the product's command line. `run` starts everything; the rest are operations.
import { Command, Option } from 'commander';
import { runProduct } from './commands/run.ts';
import { simulateCommand } from './commands/simulate.ts';
import { createTopics, describeTopic, eraseSubject } from './commands/ledger-admin.ts';
import { copyLogCommand } from './commands/copy-log.ts';
import { importCdrCommand, importQueueLogCommand } from './commands/import.ts';
import { dropVersionCommand, rebuildCommand, restoreCommand, snapshotCommand, versionsCommand } from './commands/projections.ts';
import { redriveCommand } from './commands/redrive.ts';
import { timelineCommand } from './commands/timeline.ts';
import { auditVerifyCommand } from './commands/audit.ts';
import { dualTrackReportCommand } from './commands/dual-track.ts';
import { campaignEndCommand, campaignPauseCommand, campaignResumeCommand, campaignStartCommand } from './commands/campaign.ts';
import { whatIfCommand } from './commands/what-if.ts';
import { takeOverCommand } from './commands/processors.ts';

const program = new Command('call-ledger').description('Event-sourced call ledger for a bank contact centre').showHelpAfterError();

program.command('run').description('start the ledger, its processors and projections (LEDGER_LOG=embedded|kafka)').action(runProduct);

const topics = program.command('topics').description('ledger topics');
topics.command('create').description('create every ledger topic (partitions and replication from configuration)').action(createTopics);
topics.command('describe <topic>').description('partitions with low and high offsets').action(describeTopic);

program
  .command('erase <dataSubject>')
  .description("crypto-shred a data subject (e.g. customer:C-1001): their personal fields become unreadable in every log segment")
  .requiredOption('--actor <id>', 'who is erasing (recorded in the audit log)')
  .addOption(new Option('--reason <reason>', 'why').choices(['ERASURE_REQUEST', 'RETENTION_EXPIRED', 'OTHER']).default('ERASURE_REQUEST'))
  .option('--request <ref>', 'erasure request reference')
  .action((subject: string, options: { actor: string; reason: 'ERASURE_REQUEST' | 'RETENTION_EXPIRED' | 'OTHER'; request?: string }) => eraseSubject(subject, options.actor, options.reason, options.request ?? null));

program
  .command('copy-log')
  .description('copy ledger topics between logs byte for byte (key, headers, value, timestamp, partition)')
  .addOption(new Option('--from <adapter>', 'source log').choices(['embedded', 'kafka']).makeOptionMandatory())
  .addOption(new Option('--to <adapter>', 'target log').choices(['embedded', 'kafka']).makeOptionMandatory())
  .option('--topics <list>', 'comma-separated topics (default: every ledger topic)')
  .option('--from-schema <schema>', 'PostgreSQL schema of an embedded source (default LEDGER_DB_SCHEMA)')
  .option('--to-schema <schema>', 'PostgreSQL schema of an embedded target (default LEDGER_DB_SCHEMA)')
  .action(copyLogCommand);

const processors = program.command('processors').description("stream processors' consumer groups");
processors
  .command('take-over <group>')
  .description('give a new processor group the checkpoints of the group it replaces (run with both stopped; docs/operations.md, "Upgrades")')
  .requiredOption('--from <group>', 'the group whose checkpoints it takes over, e.g. streams.risk-qa')
  .action(takeOverCommand);

const projections = program.command('projections').description('read models: rebuild, versions, snapshot, restore');
projections.command('rebuild <name>').description("replay the log from offset zero into a fresh version of a read model (or 'all') and swap it in atomically").action(rebuildCommand);
projections.command('versions [name]').description('versions of the read models: current, building, retired').action(versionsCommand);
projections.command('drop <name> <version>').description('drop a retired version of a read model').action(dropVersionCommand);
projections.command('snapshot').description('dump every read model (rows, entity documents, checkpoints: one consistent snapshot) to a file with pg_dump')
  .requiredOption('--out <file>', 'the snapshot file to write (pg_dump custom format)').action(snapshotCommand);
projections.command('restore').description('restore a snapshot, all or nothing, into a database without read models; `run` then goes on from its checkpoints')
  .requiredOption('--from <file>', 'a file written by `projections snapshot`').action(restoreCommand);

program
  .command('redrive')
  .description('copy a range of a topic into a target topic (keys, headers, per-key order kept); counts first')
  .requiredOption('--topic <topic>', 'source topic')
  .requiredOption('--to <topic>', 'target topic')
  .option('--from-offset <n>', 'first offset, per partition (inclusive)')
  .option('--to-offset <n>', 'end offset, per partition (exclusive; default the end)')
  .option('--from-time <iso>', 'first record time (inclusive)')
  .option('--to-time <iso>', 'end record time (exclusive; default the end)')
  .option('--dry-run', 'only count the records in the range')
  .action(redriveCommand);

program
  .command('timeline')
  .description('compliance timeline of an interaction or a customer: events, decisions with rule versions, hash chain, decisions re-run')
  .option('--interaction <id>', 'interaction id')
  .option('--customer <id>', 'customer id (every interaction of the customer)')
  .addOption(new Option('--role <role>', 'reader role (personal fields only for compliance)').choices(['compliance', 'analyst']).default('analyst'))
  .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv']).default('json'))
  .option('--seal', 'record the current hash chain as the seal later runs verify against')
  .option('--out <file>', 'write the export to a file')
  .option('--actor <name>', 'who is reading, recorded in the audit log (default: the operating-system account)')
  .option('--purpose <text>', 'declared purpose, recorded in the audit log', 'compliance review')
  .action(timelineCommand);

const audit = program.command('audit').description('the audit trail of decisions and data accesses');
audit
  .command('verify')
  .description('recompute the audit trail\'s hash chains and cross-check them with the log; names the first broken row or altered event (exit code 2)')
  .option('--interaction <id>', 'one interaction (its chains and its logged events)')
  .option('--customer <id>', 'a customer (their chains and every interaction tied to them)')
  .option('--all', 'every chain, and the log of every sealed interaction')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .action(auditVerifyCommand);

const dualTrack = program.command('dual-track').description('parallel run of the legacy centre and the new one');
dualTrack
  .command('report')
  .description('legacy against new per queue and 15-min interval (offered, answered, abandon rate, ASA, service level, AHT), differences flagged')
  .requiredOption('--legacy <source>', 'legacy source system, legacy:<name>')
  .requiredOption('--new <source>', 'new source system', 'new')
  .option('--threshold <x>', 'flag above: absolute for rates, relative for counts and times', '0.05')
  .option('--from <iso>', 'first interval start (inclusive)')
  .option('--to <iso>', 'last interval start (exclusive)')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('--out <file>', 'write the report to a file')
  .action(dualTrackReportCommand);

program
  .command('what-if')
  .description('replay a period of recorded traffic through a candidate routing policy or risk/QA rule set, in memory; KPI or alert/finding differences')
  .option('--policy <file>', 'candidate routing policy (a RoutingPolicyPublished document)')
  .option('--risk-rules <file>', 'candidate risk rule set')
  .option('--qa-rules <file>', 'candidate QA rule set')
  .requiredOption('--from <iso>', 'period start (inclusive): queue entries (routing) or interaction starts (rules)')
  .requiredOption('--to <iso>', 'period end (exclusive)')
  .option('--site <site>', 'routing: one site only (default every site)')
  .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
  .option('--out <file>', 'write the report to a file')
  .action(whatIfCommand);

const imports = program.command('import').description('import legacy records as events with source legacy:<name> (resumable; re-importing adds nothing; docs/migration.md)');
imports
  .command('queue-log <file>')
  .description('an Asterisk queue_log (epoch|callid|queue|agent|event|data...)')
  .requiredOption('--source <name>', 'legacy source name (events get sourceSystem legacy:<name>)')
  .option('--site <site>', 'site (routing domain) of the calls', 'legacy')
  .option('--horizon <seconds>', 'close a call with no line for this long (default 14400)')
  .option('--keep-open', 'leave calls open at the end of the file (a log still being written)')
  .option('--subject-salt <salt>', 'secret salt of the legacy-caller data subject hash')
  .option('--batch-size <events>', 'events per append (default 5000)')
  .option('--rejects <file>', 'also write rejected lines (line, reason) to this TSV file')
  .option('--no-progress', 'no progress bar')
  .action(importQueueLogCommand);
imports
  .command('cdr <file>')
  .description('a call-level CDR table (CSV/TSV) under a JSON mapping')
  .requiredOption('--mapping <json>', 'mapping file (docs/migration.md)')
  .requiredOption('--source <name>', 'legacy source name (events get sourceSystem legacy:<name>)')
  .option('--subject-salt <salt>', 'secret salt of the legacy-caller data subject hash')
  .option('--batch-size <events>', 'events per append (default 5000)')
  .option('--rejects <file>', 'also write rejected lines (line, reason) to this TSV file')
  .option('--no-progress', 'no progress bar')
  .action(importCdrCommand);

program
  .command('simulate')
  .description('play a traffic scenario into the ledger (docs/simulator.md): callers, IVR, queues, agents that answer what routing offers them')
  .option('--scenario <name|file>', 'a shipped scenario (bank-day, gentle-demo) or a scenario file', 'bank-day')
  .option('--speed <x>', "simulated seconds per second: 1 = real time, 60 = an hour a minute, 'max' = as fast as the log accepts", '1')
  .option('--seed <n>', 'seed of the traffic (same seed and start, same traffic)', '1')
  .option('--duration <d>', 'simulated time to run, e.g. 90s, 30m, 8h (default: until Ctrl-C; --offline: 1d)')
  .option('--start <iso>', 'simulated start time (default now; --offline: today 00:00 local)')
  .option('--scale <x>', 'multiplies the arrival rate', '1')
  .option('--site <site>', 'routing domain of the calls and agents (default the first of LEDGER_ROUTING_SITES)')
  .option('--offline', 'no log: run through the routing decider in memory and print the calibration figures')
  .action(simulateCommand);

const campaign = program.command('campaign').description('outbound campaigns: start with a contact list, pause, resume, end (docs/outbound.md)');
const by = ['--by <who>', 'actor recorded in the event', process.env.USER ?? 'unknown'] as const;
campaign
  .command('start')
  .description('validate a campaign file, append CampaignStarted, import the contact list (resumable; rows breaking a rule or on the do-not-call list are rejected)')
  .requiredOption('--file <json>', 'campaign configuration (docs/outbound.md)')
  .option('--contacts <csv>', 'contact list')
  .option('--mapping <json>', 'contact list mapping')
  .option('--do-not-call <file>', 'E.164 numbers never to call, one a line')
  .option(...by)
  .action(campaignStartCommand);
campaign.command('pause <campaignId>').description('stop dialling (calls in progress finish)').requiredOption('--reason <text>', 'why').option(...by).action(campaignPauseCommand);
campaign.command('resume <campaignId>').description('dial again').option(...by).action(campaignResumeCommand);
campaign
  .command('end <campaignId>')
  .description('end a campaign: contacts not yet reached are given up')
  .addOption(new Option('--reason <reason>', 'why').choices(['COMPLETED', 'CANCELLED', 'EXPIRED', 'OTHER']).default('COMPLETED'))
  .option(...by)
  .action(campaignEndCommand);

await program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`call-ledger: ${(error as Error).message}`);
  process.exit(1);
});
