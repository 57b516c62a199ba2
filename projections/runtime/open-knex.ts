// knex for the read models (PostgreSQL). knex is CommonJS: its default export is the factory.
import knexFactory, { type Knex } from 'knex';

export function openKnex(connectionString: string, poolSize = 4): Knex {
  return knexFactory({ client: 'pg', connection: connectionString, pool: { min: 0, max: poolSize } });
}
