import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import pg from 'pg';
import { Public } from '../auth/roles.decorator.js';
import { PG_POOL } from '../database/database.module.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Is PostgreSQL reachable and migrated? (the same check as /health/ready)' })
  @ApiOkResponse({ description: 'Up', schema: { example: { status: 'ok', info: { postgres: { status: 'up', migrations: 2 } }, error: {}, details: { postgres: { status: 'up', migrations: 2 } } } } })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL is down or unmigrated' })
  check() {
    return this.ready();
  }

  /**
   * Liveness: the process answers HTTP. It does not look at PostgreSQL on purpose: an orchestrator restarts a process
   * whose liveness fails, and restarting the API does not bring a database back (the API reconnects by itself).
   */
  @Get('live')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and answering (PostgreSQL is not consulted)' })
  @ApiOkResponse({ description: 'Up', schema: { example: { status: 'ok', info: {}, error: {}, details: {} } } })
  live() {
    return this.health.check([]);
  }

  /** Readiness: requests can be served, i.e. PostgreSQL is reachable and migrated; 503 while it is not. */
  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: is PostgreSQL reachable and migrated?' })
  @ApiOkResponse({ description: 'Ready', schema: { example: { status: 'ok', info: { postgres: { status: 'up', migrations: 2 } }, error: {}, details: { postgres: { status: 'up', migrations: 2 } } } } })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL is down, restarting or unmigrated (problem+json with Retry-After)' })
  ready() {
    return this.health.check([() => this.postgres()]);
  }

  private async postgres() {
    const indicator = this.indicators.check('postgres');
    try {
      const result = await this.pool.query<{ count: string }>('SELECT count(*)::text AS count FROM schema_migrations');
      return indicator.up({ migrations: Number(result.rows[0]?.count ?? 0) });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}
