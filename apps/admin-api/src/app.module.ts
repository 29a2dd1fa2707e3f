import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeyRegistry } from './auth/api-key-registry.js';
import { APP_CONFIG, DEFAULT_STREAM_STATE_CACHE_SIZE, type AppConfig } from './config/app-config.js';
import { ConfidentialModule } from './confidential/confidential.module.js';
import { ContractsController } from './contracts/contracts.controller.js';
import { TerritoriesController } from './contracts/territories.controller.js';
import { TimelinePageController } from './timeline-page/timeline-page.controller.js';
import { DatabaseModule } from './database/database.module.js';
import { StreamStateCacheModule } from './editing/stream-state-cache.js';
import { HealthModule } from './health/health.module.js';
import { HistoryModule } from './history/history.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProblemsController } from './problem-details/problems.controller.js';
import { ProblemDetailsFilter } from './problem-details/problem-details.filter.js';
import { DealsModule } from './deals/deals.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { PeopleModule } from './people/people.module.js';
import { ReadModelsModule } from './read-models/read-models.module.js';
import { EdgeValidationPipe } from './shared/edge-validation.pipe.js';
import { memoizeValidationMetadata } from './shared/validation-metadata-cache.js';
import { WorksModule } from './works/works.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    memoizeValidationMetadata();
    return {
      module: AppModule,
      controllers: [ContractsController, TerritoriesController, TimelinePageController, ProblemsController],
      imports: [CqrsModule.forRoot(), DatabaseModule.forRoot(config.databaseUrl), ConfidentialModule.forRoot(config.keyEncryptionKey), StreamStateCacheModule.forRoot(config.streamStateCacheSize ?? DEFAULT_STREAM_STATE_CACHE_SIZE), HealthModule, MetricsModule, WorksModule, OrganizationsModule, PeopleModule, DealsModule, ReadModelsModule, HistoryModule, AuditModule],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ApiKeyRegistry, useFactory: () => new ApiKeyRegistry(config.apiKeys) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useClass: EdgeValidationPipe },
      ],
    };
  }
}
