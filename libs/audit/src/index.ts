/** Auditors' tools: blue/green read-model rebuilds and their verification, hash-chain verification, log export/import. */
export * from './models.js';
export * from './progress.js';
export * from './pools.js';
export * from './shadow-schema.js';
export * from './compare.js';
export * from './rebuild.js';
export * from './verify-chain.js';
export * from './log-transfer.js';
export * from './synthetic-log.js';
