import { ADMIN, BRIEF, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';
import { MalformedRequestGenerator, MUTATION_KINDS, routesOf, type KnownIds, type MalformedRequest, type OpenApiDocument } from './support/malformed-requests.js';

/** Change it to explore; a failure names the seed, the kind and the request, so it can be replayed. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const MINIMUM_REQUESTS = 2_000;

/**
 * What an outsider sending garbage sees: for every route of /docs-json, thousands of malformed requests of every
 * kind the generator knows. None may answer 5xx; every refusal is problem+json without a stack, SQL or a file path;
 * and no refused request adds an event.
 */
describe('admin API: malformed requests to every documented route', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = async (path: string, body: object) => {
    const response = await api.http().post(path).set('Authorization', ADMIN).send(body);
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${response.text}`);
    return response.body as { id: string };
  };
  const eventCount = async () => Number((await api.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  /** A work with a title, a credit, an attachment and a release; a company, a person, a deal: real ids for every path. */
  async function seedRecords(): Promise<KnownIds> {
    const organizationId = (await post('/organizations', { kind: 'studio', country: 'KR', names: [{ text: 'CJ ENM', language: 'en' }], source: BRIEF })).id;
    const personId = (await post('/people', { names: [{ text: 'Jang Joon-hwan', language: 'ko-Latn' }], source: BRIEF })).id;
    const work = { kind: 'feature-film', originalLanguage: 'ko', countries: ['KR'], titles: [{ text: '지구를 지켜라!', language: 'ko-Kore', class: 'original' }], source: BRIEF };
    const workId = (await post('/works', work)).id;
    const otherWorkId = (await post('/works', { ...work, titles: [{ text: 'Save the Green Planet!', language: 'en', class: 'working' }] })).id;
    await post(`/works/${workId}/credits`, { organizationId, role: 'producer', country: 'KR', source: BRIEF });
    await post(`/works/${workId}/attachments`, { personId, role: 'director', source: BRIEF });
    await post(`/works/${workId}/releases`, { territory: 'KR', date: { date: '2030-04-04', precision: 'day' }, type: 'wide', source: BRIEF });
    const dealId = (await post('/deals', { type: 'remake-rights', parties: [{ organizationId, side: 'licensor' }], termsDisclosed: false, announcedAt: { date: '2024', precision: 'year' }, source: BRIEF })).id;
    const state = (await api.http().get(`/works/${workId}`).set('Authorization', ADMIN)).body.state;
    const nameId = (await api.http().get(`/organizations/${organizationId}`).set('Authorization', ADMIN)).body.state.names[0].nameId;
    return {
      workId,
      otherWorkId,
      organizationId,
      personId,
      dealId,
      creditId: state.credits[0].creditId,
      attachmentId: state.attachments[0].attachmentId,
      releaseId: state.releases[0].releaseId,
      titleId: state.titles[0].titleId,
      nameId,
    };
  }

  function send(request: MalformedRequest) {
    let call = api.http()[request.method.toLowerCase() as 'get' | 'post' | 'patch'](request.url).set('Authorization', ADMIN);
    if (request.body && 'json' in request.body) call = call.set('Content-Type', 'application/json').send(JSON.stringify(request.body.json));
    else if (request.body) call = call.set('Content-Type', request.body.contentType).send(request.body.raw);
    return call.buffer(true).parse((response, done) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
    });
  }

  /** Why an answer is wrong, or undefined when it is what an outsider should get. */
  function complaint(status: number, contentType: string, text: string): string | undefined {
    if (status >= 500) return `answered ${status}`;
    if (status < 400) return undefined;
    if (!contentType.startsWith('application/problem+json')) return `a ${status} as ${contentType}, not problem+json`;
    let problem: { type?: unknown; status?: unknown; title?: unknown };
    try {
      problem = JSON.parse(text);
    } catch {
      return 'a problem+json body that is not JSON';
    }
    if (typeof problem.type !== 'string' || typeof problem.title !== 'string' || problem.status !== status) return 'a problem without type, title or the status';
    if (/\n\s+at |\bat [\w.<>]+ \(/.test(text)) return 'a stack trace in the answer';
    if (/syntax error at or near|violates .* constraint|invalid input syntax for|relation "|duplicate key value|unterminated quoted|\bpg_|SQLSTATE/i.test(text)) return 'SQL or a PostgreSQL error in the answer';
    if (text.includes(process.cwd()) || /node_modules|file:\/\/|\.[cm]?[jt]s:\d+/.test(text)) return 'a file path in the answer';
    return undefined;
  }

  it(`answers ≥ ${MINIMUM_REQUESTS} malformed requests of ≥ 20 kinds with 4xx problem+json and records nothing for them (seed ${SEED})`, async () => {
    const ids = await seedRecords();
    const document = (await api.http().get('/docs-json')).body as OpenApiDocument;
    const routes = routesOf(document);
    expect(routes.length).toBeGreaterThan(50);
    const generator = new MalformedRequestGenerator(document, ids, SEED);

    const failures: string[] = [];
    const byKind = new Map<string, number>();
    const byClass = new Map<string, number>();
    let sent = 0;
    for (let round = 0; sent < MINIMUM_REQUESTS; round++) {
      for (const route of routes) {
        for (const request of generator.forRoute(route)) {
          const before = await eventCount();
          const response = await send(request);
          const after = await eventCount();
          sent++;
          byKind.set(request.kind, (byKind.get(request.kind) ?? 0) + 1);
          byClass.set(`${String(response.status)[0]}xx`, (byClass.get(`${String(response.status)[0]}xx`) ?? 0) + 1);
          const wrong = complaint(response.status, String(response.headers['content-type'] ?? ''), String(response.body ?? '')) ?? (response.status >= 400 && after !== before ? `refused with ${response.status} but ${after - before} events were recorded` : undefined);
          if (wrong) failures.push(`${request.kind} ${request.method} ${request.url.slice(0, 160)}: ${wrong} — ${String(response.body).slice(0, 300)}`);
        }
      }
      if (round > 10) throw new Error('the generator makes too few requests per round');
    }

    // Shown on failure and when run alone: what was sent and how it was answered.
    const summary = `seed ${SEED}: ${sent} requests; answers ${JSON.stringify(Object.fromEntries(byClass))}; kinds ${JSON.stringify(Object.fromEntries(byKind))}`;
    if (process.env.FUZZ_REPORT) console.log(summary);
    expect([...byKind.keys()].sort()).toEqual([...MUTATION_KINDS].sort());
    expect(byKind.size).toBeGreaterThanOrEqual(20);
    expect(sent).toBeGreaterThanOrEqual(MINIMUM_REQUESTS);
    expect({ summary, failures: failures.slice(0, 40), failureCount: failures.length }).toEqual({ summary, failures: [], failureCount: 0 });
  }, 300_000);
});
