import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../../../../libs/database/src/unavailable.js';
import type { AuthenticationRefusalObserver } from '../auth/early-authentication.js';
import type { RateLimitObserver } from '../http/rate-limits.js';
import { wasRefusedAtTheEdge } from '../http/refused-at-the-edge.js';
import type { CommandsInFlightObserver } from '../overload/commands-in-flight.js';
import { PG_POOL } from '../database/database.module.js';

/**
 * Prometheus metrics of the admin API, plus the pipeline's state read from Postgres at scrape time, so one scrape
 * of the API shows whether edits are flowing: the outbox backlog and the oldest unpublished event's age.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Admission of writes (limitCommandsInFlight): refused writes never reach the request log or httpDuration. */
  readonly commandsInFlight: CommandsInFlightObserver;
  /** Requests answered 429 by the per-key rate limits (rate-limits.ts), by kind. */
  readonly rateLimits: RateLimitObserver;
  /** Writes refused at their headers for their key (early-authentication.ts): never in the request log or httpDuration. */
  readonly authenticationRefusals: AuthenticationRefusalObserver;

  constructor(@Inject(PG_POOL) pool: pg.Pool) {
    collectDefaultMetrics({ register: this.registry, prefix: 'reelwire_admin_api_' });
    this.httpDuration = new Histogram({
      name: 'reelwire_http_request_duration_seconds',
      help: 'Admin API request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    const writesInFlight = new Gauge({
      name: 'reelwire_admin_api_writes_in_flight',
      help: 'Writes admitted and not yet answered',
      registers: [this.registry],
    });
    const writesRefused = new Counter({
      name: 'reelwire_admin_api_writes_refused_total',
      help: 'Writes answered 503 because COMMANDS_IN_FLIGHT_LIMIT writes were in flight (nothing recorded)',
      registers: [this.registry],
    });
    this.commandsInFlight = { inFlight: (count) => writesInFlight.set(count), refused: () => writesRefused.inc() };
    const rateLimited = new Counter({
      name: 'reelwire_admin_api_rate_limited_total',
      help: 'Requests answered 429 because their API key (or address, without a key) was over its reads or writes a minute',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.rateLimits = { limited: (kind) => rateLimited.inc({ kind }) };
    const authenticationRefused = new Counter({
      name: 'reelwire_admin_api_authentication_refused_total',
      help: 'Requests that can carry a body refused when their headers arrived, without a valid API key (401) or with a role that may not make them (403); their bodies were not read',
      labelNames: ['status'],
      registers: [this.registry],
    });
    // Bound once: a client without a key decides how often this runs.
    const refusedByStatus = { 401: authenticationRefused.labels('401'), 403: authenticationRefused.labels('403') };
    this.authenticationRefusals = { refused: (status) => refusedByStatus[status].inc() };
    new Gauge({
      name: 'reelwire_outbox_backlog',
      help: 'Events recorded but not yet published to Kafka',
      registers: [this.registry],
      async collect() {
        // While PostgreSQL is away the gauges keep their last values: the process's own metrics are still worth serving.
        const result = await pool
          .query<{ backlog: string; oldest: number | null }>(
            'SELECT count(*)::text AS backlog, extract(epoch FROM now() - min(created_at))::float8 AS oldest FROM outbox WHERE published_at IS NULL',
          )
          .catch((error: unknown) => {
            if (isDatabaseUnavailable(error)) return undefined;
            throw error;
          });
        if (!result) return;
        this.set(Number(result.rows[0].backlog));
        oldestUnpublished.set(result.rows[0].oldest ?? 0);
      },
    });
    const oldestUnpublished = new Gauge({
      name: 'reelwire_outbox_oldest_unpublished_seconds',
      help: 'Age of the oldest unpublished outbox row (0 when the backlog is empty)',
      registers: [this.registry],
    });
  }

  /**
   * Times every request to a route by its pattern (not the concrete URL, so ids do not explode the label set), from
   * its arrival to its answer, with the final status (an error's, as the exception filter set it). A request no route
   * matched (404) is not timed, nor a request refused at the edge (admission, early authentication and the rate
   * limits count those in their own counters).
   */
  observeRequests(fastify: FastifyInstance): void {
    const httpDuration = this.httpDuration;
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      if (route !== undefined && !wasRefusedAtTheEdge(reply.raw)) httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
      done();
    });
  }
}
