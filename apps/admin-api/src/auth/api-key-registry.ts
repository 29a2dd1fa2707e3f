import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/app-config.js';
import type { Principal } from './principal.js';

/**
 * Looks a presented key up in constant time: both sides are reduced to sha256 digests (equal length, so
 * timingSafeEqual applies) and every configured key is compared, whether or not an earlier one matched.
 * Keys themselves are never kept in logs or errors; only the principal name is.
 */
export class ApiKeyRegistry {
  private readonly entries: Array<{ digest: Buffer; principal: Principal }>;
  private readonly shortestKey: number;

  constructor(keys: ApiKeyConfig[]) {
    this.entries = keys.map((entry) => ({ digest: digest(entry.key), principal: { id: entry.principal, role: entry.role } }));
    this.shortestKey = Math.min(...keys.map((entry) => entry.key.length));
  }

  /** Whether a value is one of the keys (the request log hides it); shorter values are not hashed at all. */
  isKey(value: string): boolean {
    return value.length >= this.shortestKey && this.authenticate(value) !== undefined;
  }

  authenticate(presented: string): Principal | undefined {
    const candidate = digest(presented);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, candidate)) found = entry.principal;
    }
    return found;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
