/** The country codes are defined once, with the territory groups, in the contract (libs/contracts/src/territories.ts). */
export { ISO_COUNTRY_CODES } from '../../../contracts/src/territories.js';
