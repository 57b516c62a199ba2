// npm run schemas:release — snapshots every changed event type as its next released version.
// Run it when a release ships, after schemas:check passes; commit the files it writes.
import { loadCatalogue } from '../catalogue.ts';
import { release } from '../compatibility/released-schemas.ts';

const written = release(loadCatalogue());
console.log(written.length === 0 ? 'schemas:release: nothing changed since the last release' : `schemas:release: wrote\n  ${written.join('\n  ')}`);
