export { startDevBroker, type DevBroker, type DevBrokerOptions } from './server/dev-broker.js';
export type { DevBrokerLogger } from './logger.js';
