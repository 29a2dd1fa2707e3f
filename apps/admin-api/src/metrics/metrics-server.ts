import { createServer, type Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/**
 * GET /metrics of the admin API on a port of its own, as the relay and the projector serve theirs: the figures (heap,
 * routes, backlog) are for the operator's scraper, not for whoever reaches the API port, so they are served on an
 * address only the machine (METRICS_HOST, default 127.0.0.1) or the deployment's network reaches. Everything else
 * there is 404.
 */
export function serveAdminApiMetrics(app: INestApplication, port: number, host: string): Promise<Server> {
  const registry = app.get(MetricsService).registry;
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
