import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * GET /metrics (Prometheus text) of `registry` on a port of its own (0: any free port), as every app serves its
 * figures: they are for the operator's scraper, so they listen apart from any public port, on loopback unless `host`
 * says otherwise. With `health`, GET /health answers `{"status":"ok"}` there too (the projector has no other port).
 * Everything else is 404.
 */
export function serveMetrics(registry: Registry, port: number, host: string, options: { health?: boolean } = {}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    } else if (options.health && request.method === 'GET' && request.url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
