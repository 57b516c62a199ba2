// The API as a component of `call-ledger run` (shaped like cli/components.ts' Component, which
// it does not import: cli/ imports api/, never the other way round).
import type { Logger } from '../platform/logger.ts';
import type { Ledger } from '../platform/open-ledger.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startApi } from './server.ts';

/** LEDGER_API_JWT_SECRET, or for development a secret kept beside the embedded database (tokens: `npm run api:token`). */
export function developmentJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'development-api-jwt.secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export const apiComponent = {
  name: 'api',
  async start(ledger: Ledger, logger: Logger): Promise<{ readonly name: string; stop(): Promise<void> }> {
    let jwtSecret: string | undefined;
    if (!ledger.config.api.jwtSecret) {
      jwtSecret = developmentJwtSecret(ledger.config.dataDir);
      logger.warn(`LEDGER_API_JWT_SECRET is not set: using the development secret in ${ledger.config.dataDir}. Set it outside development.`);
    }
    const api = await startApi(ledger, { jwtSecret, onError: (error) => logger.error({ err: error }, 'api error') });
    logger.info({ url: api.url }, 'API listening (OpenAPI at /openapi.json)');
    return { name: 'api', stop: () => api.stop() };
  },
};
