/** Auditors' tools: hash-chain verification and log export/import (read-model rebuilds live next to the engine, libs/read-models/src/rebuild). */
export * from './progress.js';
export * from './pools.js';
export * from './verify-chain.js';
export * from './chain-report.js';
export * from './log-transfer.js';
export * from './synthetic-log.js';
