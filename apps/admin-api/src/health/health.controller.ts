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
  @ApiOperation({ summary: 'Liveness and readiness: is PostgreSQL reachable and migrated?' })
  @ApiOkResponse({ description: 'Up', schema: { example: { status: 'ok', info: { postgres: { status: 'up', migrations: 2 } }, error: {}, details: { postgres: { status: 'up', migrations: 2 } } } } })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL is down or unmigrated' })
  check() {
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
