/**
 * The dev broker in a child process of the benchmark, so its memory is measured apart from the clients'.
 * Answers `{ type: 'memory' }` IPC messages with process.memoryUsage() after a full GC (run with --expose-gc), and
 * `{ type: 'cpu' }` with the CPU seconds it used so far.
 */
import { startDevBroker } from '../../libs/kafka-dev-broker/src/index.js';

const dataDir = process.env.BENCH_DATA_DIR || undefined;
const broker = await startDevBroker({ port: 0, defaultPartitions: 3, ...(dataDir ? { dataDir } : {}) });

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: 'memory', usage: process.memoryUsage() });
  } else if (message?.type === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'cpu', seconds: (user + system) / 1e6 });
  } else if (message?.type === 'stop') {
    void broker.stop().then(() => process.exit(0));
  }
});
process.send?.({ type: 'ready', brokers: broker.brokers });
