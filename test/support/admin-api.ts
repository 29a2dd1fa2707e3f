import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DEV_API_KEYS, DEV_KEY_ENCRYPTION_KEY, type AppConfig } from '../../apps/admin-api/src/config/app-config.js';
import { createAdminApi } from '../../apps/admin-api/src/create-admin-api.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const EDITOR = 'Bearer dev-editor-key';
export const AUDITOR = 'Bearer dev-auditor-key';
export const ADMIN = 'Bearer dev-admin-key';

export interface TestAdminApi {
  app: INestApplication;
  db: TestDatabase;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * The suite's scripts send hundreds of requests a second under one dev key, far beyond the per-key limits made for a
 * desk; the limits themselves are tested in http-edge.e2e-spec.ts, with limits of their own.
 */
export const SUITE_RATE_LIMITS = { writesPerMinute: 100_000_000, readsPerMinute: 100_000_000 };

/**
 * The real admin API (same wiring as main.ts) on its own fresh database, reached over HTTP by supertest; as in
 * development, with the dev keys and the development key-encryption key unless `overrides` say otherwise.
 */
export async function startTestAdminApi(overrides: Partial<AppConfig> = {}): Promise<TestAdminApi> {
  const db = await createTestDatabase();
  const config: AppConfig = {
    port: 0,
    databaseUrl: db.url,
    apiKeys: DEV_API_KEYS,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    usingDevKeys: true,
    rateLimits: SUITE_RATE_LIMITS,
    keyEncryptionKey: DEV_KEY_ENCRYPTION_KEY,
    ...overrides,
  };
  const app = await createAdminApi(config);
  await app.init();
  // Fastify answers requests passed to its server only once its plugins and routes are ready (listen() waits for it).
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    db,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

/** The brief as the cited source of the test data. */
export const BRIEF = { publisher: 'reelwire demo brief', title: 'Korean films go global', publishedAt: '2025-11-24', language: 'en' };
export const BETTER_SOURCE = { publisher: 'Korea JoongAng Daily', url: 'https://koreajoongangdaily.joins.com/', language: 'en' };
