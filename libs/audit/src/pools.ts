import pg from 'pg';
import { survivingConnectionLoss } from '../../database/src/pool.js';

/**
 * A pool whose sessions default to READ ONLY transactions (`default_transaction_read_only=on`): an auditors' tool that
 * only reads cannot write by mistake. (A role without write grants is the stronger guarantee; see README.)
 */
export function readOnlyPool(url: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: applicationName, options: '-c default_transaction_read_only=on' });
  return survivingConnectionLoss(pool);
}

export function readWritePool(url: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: applicationName });
  return survivingConnectionLoss(pool);
}
