// Records of generated contact-centre days (projections/wallboard/fixture-day), encoded for a test
// ledger, until `target` events: days of up to 10,000 calls (about 11 events each, 120 agents).
// The Kafka projection benches share it so that their logs are alike.
import type { AppendRecord } from '../../log/port.ts';
import type { TestLedger } from '../../projections/testing/int-support.ts';
import { generateDay } from '../../projections/wallboard/fixture-day/generate-day.ts';

export async function generatedDays(ledger: Pick<TestLedger, 'encode'>, target: number, idPrefix: string): Promise<AppendRecord[]> {
  const records: AppendRecord[] = [];
  for (let day = 0; records.length < target; day += 1) {
    const fixture = generateDay({ seed: 4000 + day, calls: Math.min(10_000, Math.ceil((target - records.length) / 11) + 10), agents: 120, idPrefix: `${idPrefix}${day}`, dayOffset: day });
    records.push(...(await ledger.encode(fixture.events)));
  }
  return records;
}
