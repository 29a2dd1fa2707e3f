import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The relay's Prometheus metrics, registered in the registry the caller serves. */
export interface RelayMetrics {
  /** Unpublished outbox rows, as last counted by the active relay. */
  backlog: Gauge;
  /** 1 while this instance holds the relay lock (the active relay), else 0. */
  active: Gauge;
  /** Events acknowledged by Kafka and marked published (re-sends after a failure count again). */
  published: Counter;
  /** Failed publish attempts (Kafka unreachable, send failed); the same rows are retried. */
  publishErrors: Counter;
  /** Duration of one batch: read, send, Kafka ack, mark published. */
  batchSeconds: Histogram;
}

export function createRelayMetrics(registry: Registry): RelayMetrics {
  return {
    backlog: new Gauge({ name: 'reelwire_outbox_backlog', help: 'Outbox rows not yet published to Kafka (counted by the active relay)', registers: [registry] }),
    active: new Gauge({ name: 'reelwire_relay_active', help: '1 while this relay instance holds the relay lock', registers: [registry] }),
    published: new Counter({ name: 'reelwire_relay_published_total', help: 'Events published to Kafka and marked published', registers: [registry] }),
    publishErrors: new Counter({ name: 'reelwire_relay_publish_errors_total', help: 'Failed publish attempts (retried)', registers: [registry] }),
    batchSeconds: new Histogram({
      name: 'reelwire_relay_batch_seconds',
      help: 'Seconds per published batch: read, send, Kafka acknowledgement, mark published',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}
