import type { ChainMismatch } from './event-store.types.js';

/** One stored event as the chain check sees it: its stored hashes, the hash recomputed from its content, and whether
 * its recorded_at column agrees with the hashed metadata.recordedAt. */
export interface ChainLink {
  globalPosition: string;
  storedHash: string;
  storedPrevHash: string;
  recomputedHash: string;
  recordedAtAgrees: boolean;
}

/** What is wrong with one link, given the hash its predecessor has: its own hash, the link, or recorded_at (checked in
 * that order, so every verifier reports the same first mismatch). */
export function chainLinkMismatch(link: ChainLink, expectedPrev: string): ChainMismatch | undefined {
  const { globalPosition, storedHash, recomputedHash } = link;
  if (recomputedHash !== storedHash) return { globalPosition, storedHash, recomputedHash, reason: 'hash-mismatch' };
  if (link.storedPrevHash !== expectedPrev) return { globalPosition, storedHash: link.storedPrevHash, recomputedHash: expectedPrev, reason: 'prev-hash-mismatch' };
  if (!link.recordedAtAgrees) return { globalPosition, storedHash, recomputedHash, reason: 'recorded-at-mismatch' };
  return undefined;
}

/** Whether chain_head disagrees with the last event walked. A fresh store (head at 0, nothing checked from the start)
 * agrees with an empty walk. */
export function chainHeadMismatch(
  stored: { position: string; hash: string } | undefined,
  walk: { headPosition: string; headHash: string; checked: number; startedAfter: string },
): ChainMismatch | undefined {
  if (!stored || (stored.position === walk.headPosition && stored.hash === walk.headHash)) return undefined;
  if (stored.position === '0' && walk.checked === 0 && walk.startedAfter === '0') return undefined;
  return { globalPosition: stored.position, storedHash: stored.hash, recomputedHash: walk.headHash, reason: 'head-mismatch' };
}
