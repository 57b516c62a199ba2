// npm run eval:risk — precision and recall per rule kind over the conversation corpus, and the
// false positives on genuine conversations; JSON first, then a table.
import { evaluate } from './evaluate.ts';

const result = evaluate();
console.log(JSON.stringify(result, null, 2));
const pct = (x: number | null) => (x === null ? '  n/a' : `${(x * 100).toFixed(1).padStart(5)}%`);
console.log('\nkind                       TP   FP   FN  precision  recall');
for (const k of result.kinds) {
  console.log(`${k.kind.padEnd(24)} ${String(k.truePositives).padStart(4)} ${String(k.falsePositives).padStart(4)} ${String(k.falseNegatives).padStart(4)}     ${pct(k.precision)}  ${pct(k.recall)}`);
}
console.log(`\n${result.conversations} conversations (${result.genuineConversations} genuine); QA pass/fail agreement ${pct(result.qaPassAccuracy)}`);
console.log(`false positives on genuine conversations: ${result.falsePositivesOnGenuine.length}`);
for (const fp of result.falsePositivesOnGenuine) console.log(`  ${fp.conversation}: ${fp.kind} ${fp.item}`);
console.log(`misses: ${result.misses.length}`);
for (const miss of result.misses) console.log(`  ${miss.conversation}: ${miss.kind} ${miss.item}`);
