// KPIs per queue straight from a queue_log file, written apart from the importer and the
// projections (it shares no code with either) so that it can check both. Definitions as in
// docs/metrics.md v1 (the wallboard's): a queue visit counts in its ENTERQUEUE's queue; wait =
// CONNECT/ABANDON time − ENTERQUEUE time; service level = answered within T ÷ (answered +
// abandoned − abandoned within 5 s); AHT = mean talk per handled leg, a leg running from CONNECT
// to COMPLETE*/ *TRANSFER (or the call's next ENTERQUEUE, or the file's last time if it never ends).
import { readFileSync } from 'node:fs';

export interface RawQueueKpis {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinSl: number;
  answerWaitMs: number;
  handled: number;
  talkMs: number;
  ringNoAnswer: number;
}

export interface RawKpiFigures {
  readonly offered: number;
  readonly answered: number;
  readonly abandoned: number;
  readonly averageSpeedOfAnswerMs: number | null;
  readonly serviceLevel: number | null;
  readonly averageHandleTimeMs: number | null;
}

export function rawQueueLogKpis(path: string, serviceLevelSeconds = 20, shortAbandonSeconds = 5): Map<string, RawQueueKpis> {
  const byQueue = new Map<string, RawQueueKpis>();
  const queue = (name: string) => {
    let k = byQueue.get(name);
    if (!k) byQueue.set(name, (k = { offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredWithinSl: 0, answerWaitMs: 0, handled: 0, talkMs: 0, ringNoAnswer: 0 }));
    return k;
  };
  const entered = new Map<string, { queue: string; at: number }>();
  const talking = new Map<string, { queue: string; at: number }>();
  let last = 0;
  const endLeg = (callId: string, at: number) => {
    const leg = talking.get(callId);
    if (!leg) return;
    queue(leg.queue).handled += 1;
    queue(leg.queue).talkMs += at - leg.at;
    talking.delete(callId);
  };
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    const f = text.trim().split('|');
    if (f.length < 5 || !/^\d+$/.test(f[0])) continue;
    const at = Number(f[0]) * 1000;
    last = Math.max(last, at);
    const [, callId, queueName, , event] = f;
    switch (event) {
      case 'ENTERQUEUE':
        endLeg(callId, at);
        entered.set(callId, { queue: queueName, at });
        queue(queueName).offered += 1;
        break;
      case 'CONNECT': {
        const visit = entered.get(callId);
        if (!visit) break;
        const k = queue(visit.queue);
        k.answered += 1;
        k.answerWaitMs += at - visit.at;
        if (at - visit.at <= serviceLevelSeconds * 1000) k.answeredWithinSl += 1;
        entered.delete(callId);
        talking.set(callId, { queue: visit.queue, at });
        break;
      }
      case 'ABANDON': {
        const visit = entered.get(callId);
        if (!visit) break;
        const k = queue(visit.queue);
        k.abandoned += 1;
        if (at - visit.at <= shortAbandonSeconds * 1000) k.shortAbandoned += 1;
        entered.delete(callId);
        break;
      }
      case 'RINGNOANSWER': {
        const visit = entered.get(callId);
        if (visit) queue(visit.queue).ringNoAnswer += 1;
        break;
      }
      case 'COMPLETECALLER': case 'COMPLETEAGENT': case 'TRANSFER': case 'BLINDTRANSFER': case 'ATTENDEDTRANSFER':
        endLeg(callId, at);
        break;
      default:
        break;
    }
  }
  for (const callId of [...talking.keys()]) endLeg(callId, last);
  return byQueue;
}

export function rawFigures(k: RawQueueKpis): RawKpiFigures {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    offered: k.offered,
    answered: k.answered,
    abandoned: k.abandoned,
    averageSpeedOfAnswerMs: ratio(k.answerWaitMs, k.answered),
    serviceLevel: ratio(k.answeredWithinSl, k.answered + k.abandoned - k.shortAbandoned),
    averageHandleTimeMs: ratio(k.talkMs, k.handled),
  };
}

// As a script: `node producers/importers/asterisk-queue-log/testing/raw-queue-log-kpis.ts <file>`.
if (import.meta.main) {
  for (const [name, k] of rawQueueLogKpis(process.argv[2])) console.log(name, JSON.stringify(rawFigures(k)));
}
