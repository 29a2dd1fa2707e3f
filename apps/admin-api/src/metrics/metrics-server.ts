import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { serveMetrics } from '../../../../libs/metrics/src/serve-metrics.js';
import { MetricsService } from './metrics.service.js';

/**
 * GET /metrics of the admin API on a port of its own, as the relay and the projector serve theirs: the figures (heap,
 * routes, backlog) are for the operator's scraper, not for whoever reaches the API port (METRICS_HOST, default
 * 127.0.0.1).
 */
export function serveAdminApiMetrics(app: INestApplication, port: number, host: string): Promise<Server> {
  return serveMetrics(app.get(MetricsService).registry, port, host);
}
