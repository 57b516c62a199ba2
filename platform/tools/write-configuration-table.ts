// npm run docs:config — rewrites the configuration table in README.md from platform/config.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigurationTable } from '../configuration-table.ts';

const file = new URL('../../README.md', import.meta.url);
writeFileSync(file, withConfigurationTable(readFileSync(file, 'utf8')));
console.log('README.md: configuration table regenerated');
