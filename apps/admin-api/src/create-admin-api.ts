import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module.js';
import { ApiKeyRegistry } from './auth/api-key-registry.js';
import { refuseKeylessWritesFirst, registerEarlyAuthentication } from './auth/early-authentication.js';
import { DEFAULT_COMMANDS_IN_FLIGHT_LIMIT, resolveHttpLimits, resolveRateLimits, type AppConfig } from './config/app-config.js';
import { createHttpAdapter, registerBodyParsers, registerEtags } from './http/fastify-http.js';
import { registerRateLimits } from './http/rate-limits.js';
import { registerSecurityHeaders, securityHeaders } from './http/security-headers.js';
import { createAppLogger, PinoNestLogger, registerRequestLogging } from './logging/logging.module.js';
import { MetricsService } from './metrics/metrics.service.js';
import { limitCommandsInFlight } from './overload/commands-in-flight.js';
import { documentProblems } from './shared/openapi-problems.js';
import { documentTextLimits, TEXT_RULES } from './shared/openapi-text-limits.js';

/**
 * Builds the admin API (used by main.ts and by the e2e tests, so both run the same wiring). A test that sends requests
 * to `getHttpServer()` without `listen()` first awaits `app.init()` and `app.getHttpAdapter().getInstance().ready()`.
 */
export async function createAdminApi(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createAppLogger(config.logLevel);
  const limits = resolveHttpLimits(config.httpLimits);
  const answerHeaders = securityHeaders(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(limits, answerHeaders), { logger: new PinoNestLogger(logger), bodyParser: false });
  app.getHttpServer().maxConnections = limits.maxConnections;
  const fastify = app.getHttpAdapter().getInstance();
  // The principal is set on every authenticated request (early authentication or ApiKeyGuard): declared, so every
  // request has one shape.
  fastify.decorateRequest('principal', undefined);
  const keys = app.get(ApiKeyRegistry);
  registerRequestLogging(fastify, logger, (value) => keys.isKey(value));
  app.get(MetricsService).observeRequests(fastify);
  // Helmet's hooks first, so every answer sent through Fastify carries the headers, refusals by later hooks included.
  await registerSecurityHeaders(fastify, config);
  // The rate next: a caller over its limit is refused before its role is checked, it takes a write slot or its body
  // is read (rate-limits.ts).
  fastify.addHook('onRequest', await registerRateLimits(fastify, resolveRateLimits(config.rateLimits), keys, app.get(MetricsService).rateLimits));
  // The key before admission: a client without one never holds a write slot (early-authentication.ts). A write with
  // no key at all is refused before Fastify sees it.
  registerEarlyAuthentication(fastify, keys, app.get(MetricsService).authenticationRefusals);
  refuseKeylessWritesFirst(app.getHttpServer(), answerHeaders, app.get(MetricsService).authenticationRefusals);
  // Admission next: a refused write is answered before anything else is done for it, its body unread, and is left
  // out of the request log and the request metrics (the refusal counter counts it), as it was under Express.
  const admit = limitCommandsInFlight(config.commandsInFlightLimit ?? DEFAULT_COMMANDS_IN_FLIGHT_LIMIT, app.get(MetricsService).commandsInFlight, answerHeaders);
  fastify.addHook('onRequest', (request, reply, done) => {
    admit(request.raw, reply.raw, done);
    if (reply.raw.writableEnded) reply.hijack();
  });
  registerBodyParsers(fastify);
  registerEtags(fastify);
  const document = documentProblems(documentTextLimits(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('reelwire admin API')
      .setDescription(
        'Editors record film-industry deal facts (every fact cites its source); auditors read everything including history. ' +
          'Authenticate with `Authorization: Bearer <key>` or `X-API-Key`. Writes accept an `Idempotency-Key` header. ' +
          'Errors are RFC 9457 application/problem+json (schema Problem); each problem `type` is a page, GET /problems/<name>, and GET /problems lists them. ' +
          'Malformed input (a value of the wrong form, an unknown field, parameter or filter value) is a 400; well-formed input that breaks a business rule is a 422. ' +
          TEXT_RULES,
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (see README: dev keys)' }, 'api-key')
      .addSecurityRequirements('api-key')
      .build(),
  )));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
