import type { DealStatus } from '../../../contracts/src/vocabulary.js';
import { assertNever } from '../shared/decider.js';

/**
 * Deal lifecycle: announced → closed (signed) → terminated or expired (the rights window ran out / an option
 * lapsed). An announced deal can also fall through (terminated) or lapse (expired) without closing.
 * terminated and expired are final; a renewal is a new deal.
 */
export function allowedNextDealStatuses(current: DealStatus): DealStatus[] {
  switch (current) {
    case 'announced':
      return ['closed', 'terminated', 'expired'];
    case 'closed':
      return ['terminated', 'expired'];
    case 'terminated':
    case 'expired':
      return [];
    default:
      return assertNever(current, 'deal status');
  }
}
