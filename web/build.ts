// npm run web:build — bundles the pages' TypeScript (web/src) with esbuild and copies the HTML
// and CSS (web/pages) into LEDGER_WEB_DIR (default web/dist, not committed), which the API
// serves under /web/. `make run` and the browser specs build first, so a fresh clone works.
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { readConfig } from '../platform/config.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

export const pageEntryPoints: Readonly<Record<string, string>> = {
  agent: 'src/agent/workstation.ts',
  wallboard: 'src/wallboard/wallboard.ts',
  caller: 'src/caller/caller.ts',
};

export async function buildWebPages(outDir: string): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(Object.entries(pageEntryPoints).map(([name, file]) => [name, join(here, file)])),
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    platform: 'browser',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
  for (const file of readdirSync(join(here, 'pages'))) cpSync(join(here, 'pages', file), join(outDir, file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = readConfig().api.web.pagesDir;
  await buildWebPages(outDir);
  console.log(`web pages built into ${outDir}`);
}
