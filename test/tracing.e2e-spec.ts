import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { projectRoot } from '../libs/database/src/project-root.js';
import { PostgresEventStore } from '../libs/event-store/src/index.js';
import { startDevBroker, type DevBroker } from '../libs/kafka-dev-broker/src/index.js';
import { createKafka, LogLevel } from '../libs/messaging/src/kafka.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../libs/telemetry/src/otlp-receiver.js';
import { appsEnvironment, startApps, type AppProcess } from './support/app-processes.js';
import { startChild } from './support/child-app.js';
import { EDITOR, waitUntil } from './support/drill-writers.js';
import { freePort } from './support/free-port.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/**
 * An operator points the three apps at an OpenTelemetry collector (OTEL_EXPORTER_OTLP_ENDPOINT; here a small OTLP/HTTP
 * receiver of the test's own) and follows one editor's command end to end: one trace from the HTTP request through
 * decide and append, the relay's publish and the projector's apply. A poison message on the topic shows up as a
 * dead-letter span naming the reason, and an auditor's `replay --verify` as a rebuild span. The apps run as the
 * processes they are in production, against real PostgreSQL and the Kafka-wire dev broker.
 */
describe('tracing: one editor command is one trace across the admin API, the relay and the projector', () => {
  let db: TestDatabase;
  let broker: DevBroker;
  let receiver: OtlpReceiver;
  let base: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    broker = await startDevBroker({ port: 0 });
    receiver = await startOtlpReceiver();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = appsEnvironment(db.url, broker.brokers, port, {
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // The test waits for spans: export them soon after they end rather than after the SDK's default delay.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await startApps(apps, env);
  }, 240_000);

  afterAll(async () => {
    for (const { child } of apps) await child.stop('SIGTERM');
    await receiver?.close();
    await broker?.stop();
    await db?.drop();
  }, 120_000);

  const outputs = () => apps.map(({ name, child }) => `--- ${name} ---\n${child.output().slice(-3000)}`).join('\n');
  const inTrace = (traceId: string) => receiver.spans().filter((span) => span.traceId === traceId);
  const byId = (spans: ReceivedSpan[]) => new Map(spans.map((span) => [span.spanId, span]));
  /** The span's ancestors, nearest first, as far as they were received. */
  const ancestorsOf = (span: ReceivedSpan, spans: ReceivedSpan[]) => {
    const index = byId(spans);
    const chain: ReceivedSpan[] = [];
    for (let parent = index.get(span.parentSpanId); parent; parent = index.get(parent.parentSpanId)) chain.push(parent);
    return chain;
  };

  it('records a work and shows the request, decide, append, the relay publish and the projector apply as one trace, in that order', async () => {
    const response = await fetch(`${base}/works`, {
      method: 'POST',
      headers: EDITOR,
      body: JSON.stringify({
        kind: 'feature-film',
        originalLanguage: 'ko',
        countries: ['KR'],
        titles: [{ text: 'A traced film', language: 'en', class: 'working' }],
        source: { publisher: 'reelwire tracing test' },
      }),
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };

    // The event carries the request's trace context, stored with it.
    const stored = await db.pool.query<{ traceparent: string | null }>(`SELECT metadata->>'traceparent' AS traceparent FROM events WHERE stream_id = $1`, [`work-${id}`]);
    expect(stored.rows).toHaveLength(1);
    const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(stored.rows[0]!.traceparent ?? '')?.[1];
    if (!traceId) throw new Error(`the event has no traceparent: ${JSON.stringify(stored.rows[0])}`);

    await waitUntil('the projector apply span of the command arrived', () => inTrace(traceId).some((span) => span.name === 'projector apply'), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; spans of the trace: ${inTrace(traceId).map((s) => `${s.service}:${s.name}`).join(', ')}\n${outputs()}`);
    });
    const spans = inTrace(traceId);
    const one = (what: string, match: (span: ReceivedSpan) => boolean) => {
      const found = spans.filter(match);
      if (found.length !== 1) throw new Error(`expected one ${what} span, found ${found.length}: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`);
      return found[0]!;
    };
    const request = one('HTTP request', (s) => s.service === 'reelwire-admin-api' && s.kind === 2 && s.parentSpanId === '');
    const decide = one('decide', (s) => s.name === 'decide');
    const append = one('append', (s) => s.name === 'append');
    const publish = one('relay publish', (s) => s.service === 'reelwire-outbox-relay' && s.name === 'publish reelwire.work.v1');
    const apply = one('projector apply', (s) => s.service === 'reelwire-projector' && s.name === 'projector apply');

    expect(request.attributes['http.request.method'] ?? request.attributes['http.method']).toBe('POST');
    expect(decide.attributes['reelwire.command']).toBe('RegisterWork');
    expect(append.attributes['reelwire.event_types']).toBe('WorkRegistered');
    // One trace, one chain: the request holds decide and append; the publish continues the request, the apply the publish.
    expect(ancestorsOf(decide, spans)).toContain(request);
    expect(ancestorsOf(append, spans)).toContain(request);
    expect(ancestorsOf(publish, spans)).toContain(request);
    expect(apply.parentSpanId).toBe(publish.spanId);
    // The database work of the append is inside the append span (pg's instrumentation).
    expect(spans.some((s) => s.name.startsWith('pg.') && ancestorsOf(s, spans).includes(append))).toBe(true);
    // In that order. (Not "the publish starts after the append ends": the relay, woken by the commit's notification,
    // may publish before the API's process has read the commit's answer and closed its append span.)
    const starts = [request, decide, append, publish, apply].map((s) => s.startNs);
    expect([...starts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(starts);

    // The request's log line names the trace and the request's span.
    const logLine = apps[0]!.child.output().split('\n').find((line) => line.includes('"request completed"') && line.includes(`"trace_id":"${traceId}"`));
    expect(logLine).toBeDefined();
    expect(JSON.parse(logLine!).span_id).toMatch(/^[0-9a-f]{16}$/);

    // The trace context is part of the hashed record: the chain still verifies.
    await expect(new PostgresEventStore(db.pool).verifyChain()).resolves.toMatchObject({ ok: true });
  }, 60_000);

  it('shows a poison message as a dead-letter span with its reason, in the trace the message came with', async () => {
    const traceId = randomBytes(16).toString('hex');
    const producer = createKafka({ brokers: broker.brokers, clientId: 'tracing-e2e', logLevel: LogLevel.NOTHING }).producer();
    await producer.connect();
    try {
      await producer.send({
        topic: 'reelwire.work.v1',
        acks: -1,
        messages: [{ key: 'work-poison', value: '{"this is": not an event', headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } }],
      });
    } finally {
      await producer.disconnect();
    }
    await waitUntil('the dead-letter span arrived', () => inTrace(traceId).some((span) => span.name === 'dead letter'), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; spans of the trace: ${inTrace(traceId).map((s) => `${s.service}:${s.name}`).join(', ')}\n${outputs()}`);
    });
    const spans = inTrace(traceId);
    const deadLetter = spans.find((span) => span.name === 'dead letter')!;
    expect(deadLetter.service).toBe('reelwire-projector');
    expect(deadLetter.attributes['reelwire.dead_letter.reason']).toBe('unparseable');
    expect(deadLetter.statusCode).toBe(2);
    expect(ancestorsOf(deadLetter, spans).map((span) => span.name)).toContain('projector apply');
    // The projector's dead-letter line names the trace and the apply span.
    const apply = spans.find((span) => span.spanId === deadLetter.parentSpanId)!;
    expect(apps[2]!.child.output()).toContain(`dead letter (unparseable) at reelwire.work.v1/`);
    expect(apps[2]!.child.output()).toContain(`trace_id=${traceId} span_id=${apply.spanId}`);
    const dead = await db.pool.query<{ reason: string }>('SELECT reason FROM read_models.dead_letters');
    expect(dead.rows.map((row) => row.reason)).toEqual(['unparseable']);
  }, 60_000);

  it('shows an auditor\'s rebuild (npm run replay -- --all --verify) as a rebuild span', async () => {
    const { NODE_OPTIONS: _, ...inherited } = process.env;
    const replay = startChild(process.execPath, [join(projectRoot(), 'dist/apps/audit-cli/src/replay.js'), '--all', '--verify'], {
      ...inherited,
      DATABASE_URL: db.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    });
    const code = await new Promise<number | null>((resolve) => (replay.process.exitCode !== null ? resolve(replay.process.exitCode) : replay.process.once('exit', resolve)));
    expect([code, replay.output()]).toEqual([0, expect.stringContaining('verify: OK')]);
    // The CLI exports what it recorded before it exits.
    const rebuild = receiver.spans().find((span) => span.service === 'reelwire-replay' && span.name === 'rebuild');
    expect(rebuild?.attributes).toMatchObject({ 'reelwire.rebuild.mode': 'verify', 'reelwire.rebuild.events': 1, 'reelwire.rebuild.differences': 0 });
  }, 90_000);
});
