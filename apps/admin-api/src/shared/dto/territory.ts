import { TERRITORY_GROUP_CODES } from '../../../../../libs/contracts/src/territories.js';

/** How every `territory` field is documented: one sentence, the same everywhere. */
export const TERRITORY_DESCRIPTION =
  `An ISO 3166-1 alpha-2 country code (upper case), or a territory group: ${TERRITORY_GROUP_CODES.join(', ')} ` +
  '(XW is worldwide; GET /territories lists each group with its countries)';

/** The OpenAPI description of a territory field, with what it means in that place. */
export const territoryProperty = (example: string, meaning: string) => ({ example, description: `${meaning}. ${TERRITORY_DESCRIPTION}` });
