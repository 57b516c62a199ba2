// npm run schemas:check — fails (exit 1) naming the event type, field and rule when the working
// schemas cannot read an event written with any released version (BACKWARD_TRANSITIVE).
// Options: --schemas <dir> (default schemas/avro), --released <dir> (default schemas/released).
import { parseArgs } from 'node:util';
import { defaultSchemaDir, loadCatalogue } from '../catalogue.ts';
import { checkAgainstReleased, defaultReleasedDir, readReleased } from '../compatibility/released-schemas.ts';

const { values } = parseArgs({ options: { schemas: { type: 'string' }, released: { type: 'string' } } });
const catalogue = loadCatalogue(values.schemas ?? defaultSchemaDir);
const released = readReleased(values.released ?? defaultReleasedDir);
const findings = checkAgainstReleased(catalogue, released);
if (findings.length > 0) {
  console.error(`schemas:check: ${findings.length} breaking change(s) against released schemas (BACKWARD_TRANSITIVE):`);
  for (const f of findings) console.error(`  ${f.type} (released v${f.version}): ${f.field}: ${f.rule}`);
  process.exit(1);
}
console.log(`schemas:check: ${catalogue.all.length} event types read all ${released.length} released versions (BACKWARD_TRANSITIVE)`);
