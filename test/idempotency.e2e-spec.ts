import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Test } from 'supertest';
import { DEV_API_KEYS, type AppConfig } from '../apps/admin-api/src/config/app-config.js';
import { createAdminApi } from '../apps/admin-api/src/create-admin-api.js';
import { ADMIN, AUDITOR, BETTER_SOURCE, BRIEF, EDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/**
 * A client that retries a write with the same Idempotency-Key — after a timeout, a dropped connection, or many times
 * at once — gets the first answer again, byte for byte (status, body, Location, ETag, content type), and the write is
 * recorded once. The same key with another request is a 422 that records nothing.
 */
describe('admin API: an Idempotency-Key always gets the first answer', () => {
  let api: TestAdminApi;
  beforeAll(async () => {
    api = await startTestAdminApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  type Method = 'post' | 'patch' | 'put' | 'delete';
  const send = (method: Method, url: string, body: object, key?: string, auth = EDITOR): Test => {
    const request = (api.http() as unknown as Record<Method, (url: string) => Test>)[method](url).set('Authorization', auth);
    return (key === undefined ? request : request.set('Idempotency-Key', key)).send(body);
  };
  const created = async (path: string, body: object): Promise<string> => {
    const response = await send('post', path, body);
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${response.text}`);
    return response.body.id as string;
  };
  const edited = async (path: string, body: object): Promise<void> => {
    const response = await send('post', path, body);
    if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${response.text}`);
  };
  const eventCount = async () => (await api.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
  const eventsOfType = async (type: string) =>
    (await api.db.pool.query<{ stream_id: string }>('SELECT stream_id FROM events WHERE type = $1 ORDER BY global_position', [type])).rows.map((row) => row.stream_id);

  // Each registration's own name: records registered a moment ago are duplicate candidates (unprojected-names.ts),
  // and this file registers hundreds of records that are not the same ones.
  const distinct = (text: string) => `${text} ${randomUUID()}`;
  // What an editor registers, each call a new record with the ids the test needs to name its facts.
  const workBody = (titles: object[] = [{ titleId: randomUUID(), text: distinct('지구를 지켜라!'), language: 'ko-Kore', class: 'original' }]) => ({
    kind: 'feature-film',
    originalLanguage: 'ko',
    countries: ['KR'],
    titles,
    source: BRIEF,
  });
  const organizationBody = (names: object[] = [{ nameId: randomUUID(), text: distinct('CJ ENM'), language: 'en' }]) => ({ kind: 'production-company', country: 'KR', names, source: BRIEF });
  const personBody = (names: object[] = [{ nameId: randomUUID(), text: distinct('Jang Joon-hwan'), language: 'ko-Latn' }]) => ({ names, nationalities: ['KR'], source: BRIEF });
  const work = (titles?: Parameters<typeof workBody>[0]) => created('/works', workBody(titles));
  const organization = (names?: Parameters<typeof organizationBody>[0]) => created('/organizations', organizationBody(names));
  const person = (names?: Parameters<typeof personBody>[0]) => created('/people', personBody(names));
  const dealBody = (organizationId: string, workId: string) => ({
    type: 'remake-rights',
    parties: [{ organizationId, side: 'licensor' }],
    works: [{ workId, role: 'source' }],
    territories: ['XW'],
    termsDisclosed: false,
    announcedAt: { date: '2018', precision: 'year' },
    source: BRIEF,
  });
  const deal = async () => created('/deals', dealBody(await organization(), await work()));
  const workWithCredit = async () => {
    const [workId, organizationId, creditId] = [await work(), await organization(), randomUUID()];
    await edited(`/works/${workId}/credits`, { creditId, organizationId, role: 'producer', country: 'KR', source: BRIEF });
    return { workId, creditId };
  };
  const workWithAttachment = async () => {
    const [workId, personId, attachmentId] = [await work(), await person(), randomUUID()];
    await edited(`/works/${workId}/attachments`, { attachmentId, personId, role: 'director', source: BRIEF });
    return { workId, attachmentId };
  };
  const workWithRelease = async (date: string) => {
    const [workId, releaseId] = [await work(), randomUUID()];
    await edited(`/works/${workId}/releases`, { releaseId, territory: 'KR', type: 'wide', date: { date, precision: 'day' }, source: BRIEF });
    return { workId, releaseId };
  };
  const fix = (fact: { type: string; id: string }, extra: object = {}) => ({ fact, note: 'Checked with the producer', source: BETTER_SOURCE, ...extra });

  /**
   * One valid request per write route of the OpenAPI document, each on records made for it: the route's key is
   * "METHOD /path/{param}" as /docs-json spells it. A route the document gains without an entry here fails the test.
   */
  const VALID_WRITES: Record<string, () => Promise<{ url: string; body: object; auth?: string }>> = {
    'POST /works': async () => ({ url: '/works', body: workBody() }),
    'PATCH /works/{workId}': async () => ({ url: `/works/${await work()}`, body: { changes: { productionYear: 2003 }, source: BRIEF } }),
    'POST /works/{workId}/titles': async () => ({ url: `/works/${await work()}/titles`, body: { text: 'Save the Green Planet!', language: 'en', class: 'translated', territory: 'US', source: BRIEF } }),
    'POST /works/{workId}/primary-title': async () => {
      const titleId = randomUUID();
      const workId = await work([
        { titleId: randomUUID(), text: distinct('지구를 지켜라!'), language: 'ko-Kore', class: 'original', primary: true },
        { titleId, text: distinct('Save the Green Planet!'), language: 'en', class: 'translated' },
      ]);
      return { url: `/works/${workId}/primary-title`, body: { titleId, source: BRIEF } };
    },
    'POST /works/{workId}/relations': async () => ({ url: `/works/${await work()}/relations`, body: { relation: 'remake-of', targetWorkId: await work(), source: BRIEF } }),
    'POST /works/{workId}/status-changes': async () => ({ url: `/works/${await work()}/status-changes`, body: { to: 'in-development', effective: { date: '2024', precision: 'year' }, source: BRIEF } }),
    'POST /works/{workId}/credits': async () => ({ url: `/works/${await work()}/credits`, body: { organizationId: await organization(), role: 'producer', country: 'KR', source: BRIEF } }),
    'POST /works/{workId}/credits/{creditId}/end': async () => {
      const { workId, creditId } = await workWithCredit();
      return { url: `/works/${workId}/credits/${creditId}/end`, body: { to: { date: '2020', precision: 'year' }, source: BRIEF } };
    },
    'POST /works/{workId}/credits/{creditId}/move': async () => {
      const { workId, creditId } = await workWithCredit();
      return { url: `/works/${workId}/credits/${creditId}/move`, body: { targetWorkId: await work(), note: 'The brief put it on the wrong film', source: BETTER_SOURCE } };
    },
    'POST /works/{workId}/attachments': async () => ({ url: `/works/${await work()}/attachments`, body: { personId: await person(), role: 'director', source: BRIEF } }),
    'POST /works/{workId}/attachments/{attachmentId}/detach': async () => {
      const { workId, attachmentId } = await workWithAttachment();
      return { url: `/works/${workId}/attachments/${attachmentId}/detach`, body: { reason: 'Scheduling conflict', source: BRIEF } };
    },
    'POST /works/{workId}/attachments/{attachmentId}/move': async () => {
      const { workId, attachmentId } = await workWithAttachment();
      return { url: `/works/${workId}/attachments/${attachmentId}/move`, body: { targetWorkId: await work(), note: 'The brief put him on the wrong film', source: BETTER_SOURCE } };
    },
    'POST /works/{workId}/releases': async () => ({
      url: `/works/${await work()}/releases`,
      body: { territory: 'KR', type: 'wide', date: { date: '2031-05-04', precision: 'day' }, source: BRIEF },
    }),
    'POST /works/{workId}/releases/{releaseId}/reschedule': async () => {
      const { workId, releaseId } = await workWithRelease('2031-05-04');
      return { url: `/works/${workId}/releases/${releaseId}/reschedule`, body: { date: { date: '2031-06-01', precision: 'day' }, reason: 'Moved for the festival', source: BRIEF } };
    },
    'POST /works/{workId}/releases/{releaseId}/occurred': async () => {
      const { workId, releaseId } = await workWithRelease('2011-05-04');
      return { url: `/works/${workId}/releases/${releaseId}/occurred`, body: { source: BRIEF } };
    },
    'POST /works/{workId}/releases/{releaseId}/cancel': async () => {
      const { workId, releaseId } = await workWithRelease('2031-05-04');
      return { url: `/works/${workId}/releases/${releaseId}/cancel`, body: { reason: 'Pulled by the distributor', source: BRIEF } };
    },
    'POST /works/{workId}/milestones': async () => ({
      url: `/works/${await work()}/milestones`,
      body: { label: 'Remake rights acquired', kind: 'rights-acquired', date: { date: '2018', precision: 'year' }, source: BRIEF },
    }),
    'POST /works/{workId}/corrections': async () => {
      const titleId = randomUUID();
      const workId = await work([{ titleId, text: distinct('지구를 지켜라'), language: 'ko-Kore', class: 'original' }]);
      return { url: `/works/${workId}/corrections`, body: fix({ type: 'title', id: titleId }, { changes: { text: '지구를 지켜라!' } }) };
    },
    'POST /works/{workId}/clarifications': async () => {
      const workId = await work();
      return { url: `/works/${workId}/clarifications`, body: fix({ type: 'work', id: workId }) };
    },
    'POST /works/{workId}/retractions': async () => {
      const workId = await work();
      return { url: `/works/${workId}/retractions`, body: fix({ type: 'work', id: workId }) };
    },
    'POST /works/{workId}/standing-changes': async () => {
      const workId = await work();
      return { url: `/works/${workId}/standing-changes`, body: { fact: { type: 'work', id: workId }, standing: 'confirmed', source: BRIEF } };
    },
    'POST /works/{workId}/merge': async () => ({ url: `/works/${await work()}/merge`, body: { survivorId: await work(), note: 'The same film', source: BETTER_SOURCE } }),
    'POST /works/{workId}/merge/undo': async () => {
      const [duplicateId, survivorId] = [await work(), await work()];
      await edited(`/works/${duplicateId}/merge`, { survivorId, note: 'The same film', source: BETTER_SOURCE });
      return { url: `/works/${duplicateId}/merge/undo`, body: { note: 'Two films of one title after all', source: BETTER_SOURCE } };
    },

    'POST /organizations': async () => ({ url: '/organizations', body: organizationBody() }),
    'PATCH /organizations/{organizationId}': async () => ({ url: `/organizations/${await organization()}`, body: { changes: { kind: 'studio' }, source: BRIEF } }),
    'POST /organizations/{organizationId}/parent': async () => ({
      url: `/organizations/${await organization()}/parent`,
      body: { parentOrganizationId: await organization(), source: BRIEF },
    }),
    'POST /organizations/{organizationId}/names': async () => ({ url: `/organizations/${await organization()}/names`, body: { text: 'CJ이엔엠', language: 'ko-Kore', source: BRIEF } }),
    'POST /organizations/{organizationId}/primary-name': async () => {
      const nameId = randomUUID();
      const organizationId = await organization([
        { nameId: randomUUID(), text: distinct('CJ ENM'), language: 'en', primary: true },
        { nameId, text: distinct('CJ이엔엠'), language: 'ko-Kore' },
      ]);
      return { url: `/organizations/${organizationId}/primary-name`, body: { nameId, source: BRIEF } };
    },
    'POST /organizations/{organizationId}/corrections': async () => {
      const organizationId = await organization();
      return { url: `/organizations/${organizationId}/corrections`, body: fix({ type: 'organization', id: organizationId }, { changes: { country: 'US' } }) };
    },
    'POST /organizations/{organizationId}/clarifications': async () => {
      const organizationId = await organization();
      return { url: `/organizations/${organizationId}/clarifications`, body: fix({ type: 'organization', id: organizationId }) };
    },
    'POST /organizations/{organizationId}/retractions': async () => {
      const organizationId = await organization();
      return { url: `/organizations/${organizationId}/retractions`, body: fix({ type: 'organization', id: organizationId }) };
    },
    'POST /organizations/{organizationId}/merge': async () => ({
      url: `/organizations/${await organization()}/merge`,
      body: { survivorId: await organization(), note: 'The same company', source: BETTER_SOURCE },
    }),
    'POST /organizations/{organizationId}/merge/undo': async () => {
      const [duplicateId, survivorId] = [await organization(), await organization()];
      await edited(`/organizations/${duplicateId}/merge`, { survivorId, note: 'The same company', source: BETTER_SOURCE });
      return { url: `/organizations/${duplicateId}/merge/undo`, body: { note: 'Two companies of one name after all', source: BETTER_SOURCE } };
    },
    'POST /organizations/{organizationId}/standing-changes': async () => {
      const organizationId = await organization();
      return { url: `/organizations/${organizationId}/standing-changes`, body: { fact: { type: 'organization', id: organizationId }, standing: 'confirmed', source: BRIEF } };
    },

    'POST /people': async () => ({ url: '/people', body: personBody() }),
    'PATCH /people/{personId}': async () => ({ url: `/people/${await person()}`, body: { changes: { birthYear: 1970 }, source: BRIEF } }),
    'POST /people/{personId}/erasure': async () => ({ url: `/people/${await person()}/erasure`, body: { note: 'Erasure asked by the person', source: BRIEF }, auth: ADMIN }),
    'POST /people/{personId}/names': async () => ({ url: `/people/${await person()}/names`, body: { text: '장준환', language: 'ko-Kore', source: BRIEF } }),
    'POST /people/{personId}/primary-name': async () => {
      const nameId = randomUUID();
      const personId = await person([
        { nameId: randomUUID(), text: distinct('Jang Joon-hwan'), language: 'ko-Latn', primary: true },
        { nameId, text: distinct('장준환'), language: 'ko-Kore' },
      ]);
      return { url: `/people/${personId}/primary-name`, body: { nameId, source: BRIEF } };
    },
    'POST /people/{personId}/corrections': async () => {
      const personId = await person();
      return { url: `/people/${personId}/corrections`, body: fix({ type: 'person', id: personId }, { changes: { birthYear: 1970 } }) };
    },
    'POST /people/{personId}/clarifications': async () => {
      const personId = await person();
      return { url: `/people/${personId}/clarifications`, body: fix({ type: 'person', id: personId }) };
    },
    'POST /people/{personId}/retractions': async () => {
      const personId = await person();
      return { url: `/people/${personId}/retractions`, body: fix({ type: 'person', id: personId }) };
    },
    'POST /people/{personId}/merge': async () => ({ url: `/people/${await person()}/merge`, body: { survivorId: await person(), note: 'The same director', source: BETTER_SOURCE } }),
    'POST /people/{personId}/merge/undo': async () => {
      const [duplicateId, survivorId] = [await person(), await person()];
      await edited(`/people/${duplicateId}/merge`, { survivorId, note: 'The same director', source: BETTER_SOURCE });
      return { url: `/people/${duplicateId}/merge/undo`, body: { note: 'Two directors of one name after all', source: BETTER_SOURCE } };
    },
    'POST /people/{personId}/standing-changes': async () => {
      const personId = await person();
      return { url: `/people/${personId}/standing-changes`, body: { fact: { type: 'person', id: personId }, standing: 'confirmed', source: BRIEF } };
    },

    'POST /deals': async () => ({ url: '/deals', body: dealBody(await organization(), await work()) }),
    'PATCH /deals/{dealId}': async () => ({ url: `/deals/${await deal()}`, body: { changes: { termsDisclosed: true }, source: BRIEF } }),
    'POST /deals/{dealId}/parties': async () => ({ url: `/deals/${await deal()}/parties`, body: { organizationId: await organization(), side: 'licensee', source: BRIEF } }),
    'POST /deals/{dealId}/works': async () => ({ url: `/deals/${await deal()}/works`, body: { workId: await work(), role: 'subject', territory: 'US', source: BRIEF } }),
    'POST /deals/{dealId}/status-changes': async () => ({
      url: `/deals/${await deal()}/status-changes`,
      body: { to: 'closed', effective: { date: '2019', precision: 'year' }, source: BRIEF },
    }),
    'POST /deals/{dealId}/corrections': async () => {
      const dealId = await deal();
      return { url: `/deals/${dealId}/corrections`, body: fix({ type: 'deal', id: dealId }, { changes: { termsDisclosed: true } }) };
    },
    'POST /deals/{dealId}/clarifications': async () => {
      const dealId = await deal();
      return { url: `/deals/${dealId}/clarifications`, body: fix({ type: 'deal', id: dealId }) };
    },
    'POST /deals/{dealId}/retractions': async () => {
      const dealId = await deal();
      return { url: `/deals/${dealId}/retractions`, body: fix({ type: 'deal', id: dealId }) };
    },
    'POST /deals/{dealId}/standing-changes': async () => {
      const dealId = await deal();
      return { url: `/deals/${dealId}/standing-changes`, body: { fact: { type: 'deal', id: dealId }, standing: 'confirmed', source: BRIEF } };
    },
  };

  /** The API on a real port, for clients that supertest cannot play. */
  const listeningPort = async (app = api.app): Promise<number> => {
    const server = app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  /**
   * n identical requests that reach the API at the same moment: each on its own connection, sent but for the last
   * byte of its body, then every last byte in the same tick — so none can finish before the others have arrived.
   */
  const sendAtOnce = async (n: number, path: string, body: object, key: string, apps = [api.app]) => {
    // The chain lock every append takes (migrations/0006): held here until the first append waits for it, so the
    // first request cannot be recorded before the others have arrived and are being decided alongside it.
    const chainLock = await api.db.pool.connect();
    await chainLock.query('SELECT pg_advisory_lock(7123002)');
    const ports = await Promise.all(apps.map((app) => listeningPort(app)));
    const payload = Buffer.from(JSON.stringify(body));
    const requests = await Promise.all(
      Array.from({ length: n }, async (_, index) => {
        const request = httpRequest({
          port: ports[index % ports.length],
          host: '127.0.0.1',
          method: 'POST',
          path,
          agent: false,
          headers: { Authorization: EDITOR, 'Idempotency-Key': key, 'Content-Type': 'application/json', 'Content-Length': payload.length },
        });
        const answer = new Promise<{ status: number; text: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
          request.on('error', reject);
          request.on('response', (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode!, text: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
          });
        });
        await new Promise<void>((resolve) => request.write(payload.subarray(0, payload.length - 1), () => resolve()));
        return { request, answer };
      }),
    );
    for (const { request } of requests) request.end(payload.subarray(payload.length - 1));
    // If no request gets as far as appending (all refused), the answers are all in and there is nothing to wait for.
    let answered = false;
    const answers = Promise.all(requests.map(({ answer }) => answer)).finally(() => (answered = true));
    try {
      while (!answered && (await chainLock.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'")).rowCount === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await chainLock.query('SELECT pg_advisory_unlock(7123002)');
      chainLock.release();
    }
    return answers;
  };

  /** What a client can compare between two answers. */
  const answerOf = (response: { status: number; text: string; headers: Record<string, string | string[] | undefined> }) => ({
    status: response.status,
    body: response.text,
    location: response.headers.location,
    etag: response.headers.etag,
    contentType: response.headers['content-type'],
  });

  it('every write route in /docs-json answers a replay with the first answer byte for byte, records it once, and refuses the key on another body with 422', async () => {
    const document = (await api.http().get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((method) => ['post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(Object.keys(VALID_WRITES).sort()).toEqual(documented.sort());

    const outcomes: string[] = [];
    for (const route of documented) {
      const method = route.split(' ')[0]!.toLowerCase() as Method;
      const { url, body, auth = EDITOR } = await VALID_WRITES[route]!();
      const key = `retry-${randomUUID()}`;
      const before = await eventCount();
      const first = await send(method, url, body, key, auth);
      const afterFirst = await eventCount();
      const replay = await send(method, url, body, key, auth);
      const afterReplay = await eventCount();
      const otherBody = await send(method, url, { ...body, note: 'Another request under the same key' }, key, auth);
      const afterOtherBody = await eventCount();
      const otherRoute = await send('post', '/works', workBody(), key, auth);
      const afterOtherRoute = await eventCount();

      if (first.status >= 300) throw new Error(`the table's request for ${route} is refused: ${first.status} ${first.text}`);
      expect({ route, replay: answerOf(replay), replayed: replay.headers['idempotent-replayed'] }).toEqual({ route, replay: answerOf(first), replayed: 'true' });
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.headers.etag).toBe(`"${first.body.version}"`);
      if (first.status === 201) expect(first.headers.location).toBe(`${url}/${first.body.id}`);
      expect([otherBody.headers['content-type'], otherRoute.headers['content-type']]).toEqual(['application/problem+json; charset=utf-8', 'application/problem+json; charset=utf-8']);
      outcomes.push(
        `${route}: recorded ${afterFirst - before > 0 ? 'once' : 'never'}, replay recorded ${afterReplay - afterFirst}, ` +
          `other body ${otherBody.status} ${otherBody.body.type} recorded ${afterOtherBody - afterReplay}, ` +
          `other route ${otherRoute.status} ${otherRoute.body.type} recorded ${afterOtherRoute - afterOtherBody}`,
      );
    }
    expect(outcomes).toEqual(
      documented.map(
        (route) =>
          `${route}: recorded once, replay recorded 0, other body 422 /problems/idempotency-key-reused recorded 0, other route 422 /problems/idempotency-key-reused recorded 0`,
      ),
    );
  });

  /** The answers not marked as replays: exactly one when the key worked. */
  const firstAnswerOf = <T extends { headers: IncomingHttpHeaders }>(answers: T[]) => answers.filter((answer) => answer.headers['idempotent-replayed'] === undefined);

  it('32 identical requests sent at once with one key all get the first answer, and the write is recorded once', async () => {
    const workId = await work();
    const release = { territory: 'KR', type: 'wide', date: { date: '2031-05-04', precision: 'day' }, source: BRIEF };
    const key = `release-${workId}`;
    const before = await eventCount();
    const answers = await sendAtOnce(32, `/works/${workId}/releases`, release, key);
    const [first, ...others] = firstAnswerOf(answers);
    expect(others).toEqual([]);
    expect(answerOf(first!)).toMatchObject({ status: 200, body: expect.stringContaining('"ReleaseScheduled"') });
    expect(answers.map(answerOf)).toEqual(answers.map(() => answerOf(first!)));
    expect(await eventCount()).toBe(before + 1);
    expect((await api.http().get(`/works/${workId}`).set('Authorization', AUDITOR)).body.state.releases).toHaveLength(1);

    // A create without a client-chosen id makes a new id per attempt: every attempt still answers the one recorded.
    const registration = personBody();
    const registeredBefore = (await eventsOfType('PersonRegistered')).length;
    const registrationKey = `register-${randomUUID()}`;
    const registrations = await sendAtOnce(32, '/people', registration, registrationKey);
    const [firstRegistration, ...otherRegistrations] = firstAnswerOf(registrations);
    expect(otherRegistrations).toEqual([]);
    expect(answerOf(firstRegistration!)).toMatchObject({ status: 201, body: expect.stringContaining('"PersonRegistered"') });
    expect(registrations.map(answerOf)).toEqual(registrations.map(() => answerOf(firstRegistration!)));
    expect(await eventsOfType('PersonRegistered')).toHaveLength(registeredBefore + 1);
    expect((await api.http().get(firstRegistration!.headers.location!).set('Authorization', AUDITOR)).status).toBe(200);
  });

  it('32 identical registrations sent at once to two API instances with one key all get the first answer', async () => {
    const config: AppConfig = { port: 0, databaseUrl: api.db.url, apiKeys: DEV_API_KEYS, logLevel: 'silent', usingDevKeys: true };
    const other = await createAdminApi(config);
    try {
      await other.init();
      await other.getHttpAdapter().getInstance().ready();
      const registeredBefore = (await eventsOfType('PersonRegistered')).length;
      const answers = await sendAtOnce(32, '/people', personBody(), `register-${randomUUID()}`, [api.app, other]);
      const [first, ...others] = firstAnswerOf(answers);
      expect(others).toEqual([]);
      expect(answerOf(first!)).toMatchObject({ status: 201, body: expect.stringContaining('"PersonRegistered"') });
      expect(answers.map(answerOf)).toEqual(answers.map(() => answerOf(first!)));
      expect(await eventsOfType('PersonRegistered')).toHaveLength(registeredBefore + 1);
      expect((await api.http().get(first!.headers.location!).set('Authorization', AUDITOR)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('a registration without a client id retried after its answer was lost gets the same id, and its Location resolves', async () => {
    const port = await listeningPort();
    const body = JSON.stringify(personBody([{ nameId: randomUUID(), text: 'Shin Ha-kyun', language: 'ko-Latn' }]));
    const key = `register-${randomUUID()}`;
    const registeredBefore = await eventsOfType('PersonRegistered');

    // The client sends the registration and never reads the answer (a timeout, a dropped connection).
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      `POST /people HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${EDITOR}\r\nIdempotency-Key: ${key}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    let registered = registeredBefore;
    while (registered.length === registeredBefore.length) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      registered = await eventsOfType('PersonRegistered');
    }
    socket.destroy();

    const retry = await send('post', '/people', JSON.parse(body) as object, key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(`person-${retry.body.id}`).toBe(registered[registered.length - 1]);
    expect(retry.headers.location).toBe(`/people/${retry.body.id}`);
    const read = await api.http().get(retry.headers.location!).set('Authorization', AUDITOR);
    expect(read.status).toBe(200);
    expect(read.body.state.names[0].text).toBe('Shin Ha-kyun');
    expect(await eventsOfType('PersonRegistered')).toHaveLength(registeredBefore.length + 1);
  });

  it('a key belongs to the API key that sent it: another caller using the same key makes its own write', async () => {
    const key = `shared-${randomUUID()}`;
    const byEditor = await send('post', '/works', workBody(), key, EDITOR);
    const byAdmin = await send('post', '/works', workBody(), key, ADMIN);
    expect([byEditor.status, byAdmin.status]).toEqual([201, 201]);
    expect(byAdmin.body.id).not.toBe(byEditor.body.id);
    expect(byAdmin.headers['idempotent-replayed']).toBeUndefined();
    expect(answerOf(await send('post', '/works', workBody(), key, ADMIN))).toMatchObject({ status: 422 });
  });
});
