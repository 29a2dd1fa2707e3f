import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { DEFAULT_COMMANDS_IN_FLIGHT_LIMIT, type AppConfig } from './config/app-config.js';
import { MetricsService } from './metrics/metrics.service.js';
import { limitCommandsInFlight } from './overload/commands-in-flight.js';

/** Builds the admin API (used by main.ts and by the e2e tests, so both run the same wiring). */
export async function createAdminApi(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true });
  app.use(limitCommandsInFlight(config.commandsInFlightLimit ?? DEFAULT_COMMANDS_IN_FLIGHT_LIMIT, app.get(MetricsService).commandsInFlight));
  app.useLogger(app.get(Logger));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('reelwire admin API')
      .setDescription(
        'Editors record film-industry deal facts (every fact cites its source); auditors read everything including history. ' +
          'Authenticate with `Authorization: Bearer <key>` or `X-API-Key`. Writes accept an `Idempotency-Key` header. ' +
          'Errors are RFC 9457 application/problem+json.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (see README: dev keys)' }, 'api-key')
      .addSecurityRequirements('api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
