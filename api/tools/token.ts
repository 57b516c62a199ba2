// Issues an API bearer token for development and demos (production tokens come from the bank's
// identity provider with the same claims):
//   npm run api:token -- agent A1024        npm run api:token -- ingest telephony
//   npm run api:token -- supervisor | analyst | compliance | ops
// Signs with LEDGER_API_JWT_SECRET, or the development secret `call-ledger run` keeps in LEDGER_DATA_DIR.
import { readConfig } from '../../platform/config.ts';
import { developmentJwtSecret } from '../component.ts';
import { roles, signToken, tokenKeys, type Role } from '../http/auth.ts';

const [role, name] = process.argv.slice(2);
if (!(roles as readonly string[]).includes(role ?? '')) {
  console.error(`usage: npm run api:token -- <${roles.join('|')}> [agentId | source]`);
  process.exit(2);
}
const config = readConfig();
const keys = tokenKeys(config.api.jwtSecret ?? developmentJwtSecret(config.dataDir), config.api.jwtIssuer);
const r = role as Role;
process.stdout.write(`${await signToken(keys, {
  subject: name ?? `${r}-dev`, role: r, expiresIn: '12h',
  ...(r === 'agent' ? { agentId: name ?? 'A1024' } : {}), ...(r === 'ingest' ? { source: name ?? 'telephony' } : {}),
})}\n`);
