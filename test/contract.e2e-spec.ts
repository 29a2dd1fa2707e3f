import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IDS } from '../scripts/seed/brief-facts.js';
import { runSeed } from '../scripts/seed/run-seed.js';
import { projectRoot } from '../libs/database/src/project-root.js';
import { ADMIN, AUDITOR, EDITOR } from './support/admin-api.js';
import {
  contentExamples,
  documentedValue,
  exampleFrom,
  resolve,
  routesOf,
  schemaErrors,
  shapeErrors,
  currentFactIds,
  idFieldsOf,
  idsIn,
  type OpenApiDocument,
  type Parameter,
  type Route,
} from './support/openapi-contract.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

/**
 * The OpenAPI document is the API's contract, and this file holds the API to it, route by route as /docs-json lists
 * them (so a route added later is covered without a line here): every documented parameter is accepted, every
 * example answers its documented status and shape, every error is a documented problem type with a page, and the
 * examples a reader copies from the README run as shown. The demo data (`npm run seed`) is loaded first: the
 * documents' examples name its records.
 */
describe('the OpenAPI document is the contract', () => {
  let pipeline: TestPipeline;
  let document: OpenApiDocument;
  let routes: Route[];
  const ids: Record<string, string> = {
    workId: IDS.work.saveTheGreenPlanetRemake,
    organizationId: IDS.org.cjEnm,
    companyId: IDS.org.cjEnm,
    personId: IDS.person.jangJoonHwan,
    dealId: IDS.deal.coProduction,
  };
  const problemsAnswered: Array<{ route: string; status: number; body: unknown }> = [];

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    await runSeed({ baseUrl: pipeline.baseUrl, apiKey: 'dev-editor-key' });
    await pipeline.caughtUp();
    document = (await pipeline.api.http().get('/docs-json').expect(200)).body as OpenApiDocument;
    routes = routesOf(document);
    // The ids of a work's facts, for the routes that name one.
    const remake = (await pipeline.api.http().get(`/works/${ids.workId}`).set('Authorization', AUDITOR).expect(200)).body.state;
    const mother = (await pipeline.api.http().get(`/works/${IDS.work.goingToAbandonMyMother}`).set('Authorization', AUDITOR).expect(200)).body.state;
    ids.creditId = remake.credits[0].creditId;
    ids.attachmentId = (remake.attachments[0] ?? mother.attachments[0]).attachmentId;
    const withRelease = [remake, mother].find((state) => state.releases?.length);
    if (withRelease) ids.releaseId = withRelease.releases[0].releaseId;
  }, 120_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const http = () => pipeline.api.http();
  const reads = () => routes.filter((route) => route.method === 'get');
  const keyFor = (route: Route) => (route.path.startsWith('/audit') ? AUDITOR : route.method === 'get' ? AUDITOR : EDITOR);
  const documentedStatuses = (route: Route) => Object.keys(route.operation.responses).map(Number);

  /** Whether the route names a path parameter the demo data and the document give no value for (a made-up id is sent). */
  const namesUnknownRecord = (route: Route) =>
    [...route.path.matchAll(/\{(\w+)\}/g)].some(([, name]) => !ids[name!] && documentedValue((route.operation.parameters ?? []).find((p) => p.in === 'path' && p.name === name) ?? ({} as Parameter)) === undefined);

  /** The route's URL with its path parameters filled: a record of the demo data, else the documented example. */
  function urlOf(route: Route): string {
    const parameters = (route.operation.parameters ?? []).filter((p) => p.in === 'path');
    return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const parameter = parameters.find((p) => p.name === name);
      const example = parameter ? documentedValue(parameter) : undefined;
      return encodeURIComponent(String(ids[name] ?? example ?? (parameter?.schema?.format === 'uuid' ? randomUUID() : 'x')));
    });
  }

  async function get(route: Route, query: Record<string, string> = {}) {
    const response = await http().get(urlOf(route)).query(query).set('Authorization', keyFor(route));
    if (response.status >= 400) problemsAnswered.push({ route: `${route.method.toUpperCase()} ${route.path}`, status: response.status, body: response.body });
    return response;
  }

  /** A value the document says the parameter takes: its example, enum, default; a page's own nextCursor for a cursor. */
  async function valueFor(route: Route, parameter: Parameter): Promise<string | undefined> {
    if (parameter.name === 'cursor' && documentedValue(parameter) === undefined) {
      const first = await get(route, { limit: '1' });
      return first.body.nextCursor as string | undefined;
    }
    const value = documentedValue(parameter);
    if (value !== undefined) return Array.isArray(value) ? value.join(',') : String(value);
    if (ids[parameter.name]) return ids[parameter.name];
    const schema = parameter.schema ?? {};
    if (schema.format === 'uuid') return IDS.work.saveTheGreenPlanet;
    if (schema.type === 'number' || schema.type === 'integer') return String(Math.max(schema.minimum ?? 1, 1));
    return undefined;
  }

  it('every query parameter of every read is accepted with a documented value, and the answer is a documented status', async () => {
    const answers: string[] = [];
    let tried = 0;
    for (const route of reads()) {
      for (const parameter of (route.operation.parameters ?? []).filter((p) => p.in === 'query')) {
        const value = await valueFor(route, parameter);
        if (value === undefined) {
          answers.push(`GET ${route.path}?${parameter.name}: the document gives no value to try (add an example)`);
          continue;
        }
        tried += 1;
        const response = await get(route, { [parameter.name]: value });
        if (response.status === 400 || response.status >= 500 || !documentedStatuses(route).includes(response.status)) {
          answers.push(`GET ${route.path}?${parameter.name}=${value} → ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
        }
      }
    }
    expect(answers).toEqual([]);
    expect(tried).toBeGreaterThan(30);
  });

  it('every filter with a documented set of values refuses another with a 400 problem naming the filter and listing every allowed value', async () => {
    const answers: string[] = [];
    let tried = 0;
    for (const route of reads()) {
      for (const parameter of (route.operation.parameters ?? []).filter((p) => p.in === 'query')) {
        const allowed = parameter.schema?.enum ?? parameter.schema?.items?.enum;
        if (!allowed) continue;
        tried += 1;
        const response = await get(route, { [parameter.name]: 'no-such-value' });
        const error = (response.body.errors as Array<{ field: string; message: string }> | undefined)?.find((e) => e.field === parameter.name);
        const unlisted = allowed.filter((value) => !error?.message.includes(String(value)));
        if (response.status !== 400 || response.body.type !== '/problems/validation-error' || !error || unlisted.length > 0) {
          answers.push(`GET ${route.path}?${parameter.name}=no-such-value → ${response.status} ${error?.message ?? JSON.stringify(response.body).slice(0, 200)}${unlisted.length ? ` (does not list ${unlisted.join(', ')})` : ''}`);
        }
      }
    }
    expect(answers).toEqual([]);
    // /projects status and kind, /history aggregateType, type and order at least
    expect(tried).toBeGreaterThanOrEqual(5);
  });

  it('every read answers 200 on the demo data; one with a documented answer example in that shape, one with a schema by it', async () => {
    const answers: string[] = [];
    for (const route of reads()) {
      const response = await get(route);
      // A record of a kind the demo data does not hold (a route added since) is documented to be not found.
      if (response.status === 404 && namesUnknownRecord(route) && documentedStatuses(route).includes(404)) continue;
      if (response.status !== 200) {
        answers.push(`GET ${route.path} → ${response.status}, documented 200 ${JSON.stringify(response.body).slice(0, 200)}`);
        continue;
      }
      const ok = route.operation.responses['200']?.content?.['application/json'];
      if (!ok) continue;
      for (const example of contentExamples(ok)) answers.push(...shapeErrors(example, response.body).map((e) => `GET ${route.path}: ${e}`));
      if (ok.schema && !ok.schema.example) answers.push(...schemaErrors(document, ok.schema, response.body).map((e) => `GET ${route.path}: ${e}`));
    }
    expect(answers).toEqual([]);
  });

  it('every write example, with ids from the demo data, is recorded with its documented status and answer schema', async () => {
    // The records the examples edit: ones whose state differs from the examples' values (an edit that changes
    // nothing is refused, rightly).
    const records: Record<string, string> = { workId: IDS.work.goingToAbandonMyMother, organizationId: IDS.org.motif, personId: IDS.person.hoangHa, dealId: IDS.deal.coProduction };
    // Records an example may refer to: the first one the edited record does not already refer to.
    const referable: Record<string, string[]> = {
      workId: Object.values(IDS.work),
      targetWorkId: Object.values(IDS.work),
      organizationId: Object.values(IDS.org),
      companyId: Object.values(IDS.org),
      parentOrganizationId: Object.values(IDS.org),
      personId: Object.values(IDS.person),
      dealId: Object.values(IDS.deal),
    };
    const refused: string[] = [];
    const failures: string[] = [];
    let recorded = 0;
    // An editor writes; a route only an admin may call (x-roles, as erasure) is called by an admin.
    const writerOf = (route: Route) => ((route.operation as { 'x-roles'?: string[] })['x-roles'] ?? ['editor']).includes('editor') ? EDITOR : ADMIN;
    const send = (method: string, url: string, body: unknown, key = EDITOR) =>
      http()
        [method as 'post'](url)
        .set('Authorization', key)
        .set('Idempotency-Key', `contract-${randomUUID()}`)
        .send(body as object);

    // A merge's undo runs right after the merge, so the demo record it merged is its own record again for later routes.
    const writes = routes.filter((r) => r.method !== 'get' && !r.path.endsWith('/merge/undo'));
    for (const undo of routes.filter((r) => r.method !== 'get' && r.path.endsWith('/merge/undo'))) {
      const merge = writes.findIndex((r) => r.path === undo.path.replace(/\/undo$/, ''));
      writes.splice(merge < 0 ? writes.length : merge + 1, 0, undo);
    }
    for (const route of writes) {
      const [, collection, recordParam] = route.path.match(/^\/([\w-]+)\/\{(\w+)\}/) ?? [];
      let record = recordParam ? records[recordParam] : undefined;
      const stateOf = async () => (record ? (await http().get(`/${collection}/${record}`).set('Authorization', AUDITOR)).body.state : undefined);
      let state = await stateOf();
      const bodyOf = (path: string) => {
        const json = document.paths[path]?.[route.method === 'patch' ? 'patch' : 'post']?.requestBody?.content['application/json'];
        const facts = currentFactIds(state);
        const known = idsIn(state);
        const referTo = (name: string) => (referable[name] ? referable[name].find((id) => id !== record && !known.has(id)) : facts[name]);
        const example = (contentExamples(json)[0] ?? exampleFrom(document, json?.schema, (name, required) => (required || referable[name] ? referTo(name) : undefined))) as Record<string, any>;
        if (example.fact && example.fact.id === undefined) {
          example.fact.id = example.fact.type === AGGREGATE_OF[collection!] ? record : idFieldsOf(example.fact.type).map((field) => facts[field]).find(Boolean);
        }
        // A merge names another demo record of the same kind as the survivor.
        if (route.path.endsWith('/merge')) example.survivorId = referable[recordParam!]!.find((id) => id !== record);
        // A registration gets an id of its own, so the example registers a new record rather than colliding with the seed.
        return recordParam ? example : withFreshIds(example);
      };
      // A fact's life (end, detach, reschedule, cancel…) is lived by a fact that can still live it: if the record has
      // none left, another record of the demo data is edited, after the example that creates one ran on it if need be.
      const factParam = route.path.match(/^\/[\w-]+\/\{\w+\}\/([\w-]+)\/\{(\w+)\}/);
      if (factParam && !currentFactIds(state, { live: true })[factParam[2]!]) {
        const others = referable[recordParam!]!.filter((id) => id !== records[recordParam!]);
        const states = await Promise.all(others.map(async (id) => [id, (await http().get(`/${collection}/${id}`).set('Authorization', AUDITOR)).body.state] as const));
        const withLive = states.find(([, other]) => currentFactIds(other, { live: true })[factParam[2]!]);
        record = withLive?.[0] ?? others[0]!;
        state = await stateOf();
        if (!withLive) {
          const created = await send('post', `/${collection}/${record}/${factParam[1]}`, bodyOf(`/${collection}/{${recordParam}}/${factParam[1]}`));
          if (created.status >= 300) refused.push(`POST /${collection}/{${recordParam}}/${factParam[1]} (for ${route.path}) → ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);
          state = await stateOf();
        }
      }
      const facts = currentFactIds(state);
      const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === recordParam ? record! : facts[name] ?? ids[name] ?? randomUUID()));
      const body = bodyOf(route.path) as Record<string, unknown>;
      let response = await send(route.method, url, body, writerOf(route));
      // A registration the demo data already holds a namesake of is told so; the editor confirms it is another record.
      if (!recordParam && response.status === 409 && response.body.type === '/problems/possible-duplicate') {
        response = await send(route.method, url, { ...body, distinctFrom: response.body.candidates.map((c: { id: string }) => c.id) }, writerOf(route));
      }
      const line = `${route.method.toUpperCase()} ${route.path} → ${response.status} ${response.status >= 300 ? JSON.stringify(response.body).slice(0, 300) : ''}`;
      if (!documentedStatuses(route).includes(response.status) || response.status >= 500) failures.push(`${line} (status not documented)`);
      if (response.status < 300) {
        recorded += 1;
        const schema = route.operation.responses[String(response.status)]?.content?.['application/json']?.schema;
        failures.push(...schemaErrors(document, schema, response.body).map((e) => `${route.method.toUpperCase()} ${route.path}: ${e}`));
      } else {
        problemsAnswered.push({ route: `${route.method.toUpperCase()} ${route.path}`, status: response.status, body: response.body });
        // A route on a record of a kind the demo data does not hold (one added since) may only be refused as documented.
        if (!namesUnknownRecord(route)) refused.push(line);
      }
    }
    expect(failures).toEqual([]);
    expect(refused).toEqual([]);
    expect(recorded).toBeGreaterThan(40);
  });

  it('every problem the API answered, and every problem type in the code, is in the document and has a page; an unknown type is a 404', async () => {
    const problemSchema = resolve(document, { $ref: '#/components/schemas/Problem' });
    const documented = (problemSchema.properties?.type?.enum ?? []) as string[];
    const inCode = problemTypesInSource();
    expect(inCode.length).toBeGreaterThan(15);
    expect(inCode.filter((type) => !documented.includes(type))).toEqual([]);

    const answered = problemsAnswered.map(({ route, status, body }) => ({ route, status, errors: schemaErrors(document, problemSchema, body) }));
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.filter((a) => a.errors.length > 0)).toEqual([]);

    for (const type of documented.filter((t) => t.startsWith('/problems/'))) {
      const page = await http().get(type).expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain(`<code>${type}</code>`);
      expect(page.text).toMatch(/What it means[\s\S]+What to do/);
    }
    const index = await http().get('/problems').expect(200);
    for (const type of documented.filter((t) => t.startsWith('/problems/'))) expect(index.text).toContain(`href="${type}"`);
    const unknown = await http().get('/problems/no-such-problem').expect(404);
    expect(unknown.body.type).toBe('/problems/not-found');
    // every error response of every route is documented as problem+json
    const undocumented = routes.flatMap((route) =>
      Object.entries(route.operation.responses)
        .filter(([status, response]) => Number(status) >= 400 && !response.content?.['application/problem+json'])
        .map(([status]) => `${route.method.toUpperCase()} ${route.path} ${status}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('a correction names its fact type from the enum the document lists for that aggregate; a date that does not match its precision is a 400 wherever it is sent', async () => {
    for (const [collection, aggregate] of [['works', 'Work'], ['organizations', 'Organization'], ['people', 'Person'], ['deals', 'Deal']]) {
      const body = resolve(document, document.paths[`/${collection}/{${aggregate!.toLowerCase()}Id}/corrections`]!.post!.requestBody!.content['application/json']!.schema);
      const fact = resolve(document, body.properties!.fact);
      expect(fact.properties!.type!.enum).toContain('event');
      expect(fact.properties!.type!.enum).toContain(aggregate!.toLowerCase());
    }
    // at the edge (a DTO) and in the decider (a correction's changes) alike
    const milestone = await http()
      .post(`/works/${IDS.work.saveTheGreenPlanet}/milestones`)
      .set('Authorization', EDITOR)
      .send({ label: 'Shooting began', kind: 'principal-photography-start', date: { date: '2018-05', precision: 'year' }, source: { publisher: 'Variety' } });
    expect(milestone.status).toBe(400);
    expect(milestone.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/matching each other/) })]);
    const remake = (await http().get(`/works/${ids.workId}`).set('Authorization', AUDITOR)).body.state;
    const statusChange = remake.statusHistory[0];
    const correction = await http()
      .post(`/works/${ids.workId}/corrections`)
      .set('Authorization', EDITOR)
      .send({ fact: { type: 'status-change', id: statusChange?.statusChangeId ?? randomUUID() }, changes: { effective: { date: '2018', precision: 'day' } }, note: 'the date was wrong', source: { publisher: 'Variety' } });
    expect(correction.status).toBe(400);
    expect(correction.body.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/matching each other/) })]);
  });

  it('the history feed: an unknown event type is a 400 listing the known ones; publisher finds text in the source, case and accents ignored', async () => {
    const unknown = await http().get('/history?type=WorkRegistered,NoSuchEvent').set('Authorization', AUDITOR).expect(400);
    expect(unknown.body.errors[0].message).toMatch(/unknown: NoSuchEvent; allowed: .*WorkRegistered/);
    const all = (await http().get('/history?limit=500').set('Authorization', AUDITOR).expect(200)).body.entries as Array<{ source: { publisher: string } }>;
    const publishers = [...new Set(all.map((e) => e.source.publisher))];
    expect(publishers).toContain('Wikipedia');
    const found = (await http().get('/history?limit=500&publisher=WIKIPÉDIA').set('Authorization', AUDITOR).expect(200)).body.entries as Array<{ source: { publisher: string } }>;
    expect(found.length).toBe(all.filter((e) => e.source.publisher === 'Wikipedia').length);
    const part = (await http().get('/history?limit=500&publisher=film%20NEWS').set('Authorization', AUDITOR).expect(200)).body.entries as Array<{ source: { publisher: string } }>;
    expect(part.length).toBeGreaterThan(0);
    expect(part.every((e) => /film news/i.test(e.source.publisher))).toBe(true);
  });

  it('every curl example of the README and docs/ runs as shown against the running API, in order', async () => {
    const examples = curlExamples();
    expect(examples.length).toBeGreaterThan(15);
    // every file of docs/examples is sent by one of them, so none is left to go stale
    const sent = examples.map((example) => example.bodyFile);
    expect(readdirSync(join(projectRoot(), 'docs', 'examples')).map((file) => `docs/examples/${file}`).filter((file) => !sent.includes(file))).toEqual([]);
    const answers: string[] = [];
    // A placeholder is the id a `# → <nameId>` example answered, else the id the last creation answered.
    let lastId: string | undefined;
    const bound = new Map<string, string>();
    const fill = (text: string) => text.replace(/<\w+Id>/g, (placeholder) => bound.get(placeholder) ?? lastId ?? '');
    for (const example of examples) {
      const url = fill(example.url.replace('localhost:3000', pipeline.baseUrl.replace(/^http:\/\//, '')));
      const body = example.body === undefined ? undefined : fill(example.body);
      const response = await fetch(url.startsWith('http') ? url : `http://${url}`, { method: example.method, headers: example.headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      // An NDJSON answer (streamed progress) is read by its last line, the result.
      const last = /x-ndjson/.test(response.headers.get('content-type') ?? '') ? text.trim().split('\n').at(-1)! : text;
      const json = JSON.parse(last) as Record<string, unknown>;
      if (example.method === 'POST' && typeof json.id === 'string') {
        lastId = json.id;
        if (example.binds) bound.set(example.binds, json.id);
      }
      // As of a moment before a record was recorded, it is documented to be not found (404 problem naming the moment).
      const beforeItExisted = response.status === 404 && /asOf=/.test(url) && /as of/.test(String(json.detail));
      if (!(response.ok || beforeItExisted)) answers.push(`${example.source}: ${example.method} ${example.url} → ${response.status} ${text.slice(0, 200)}`);
    }
    expect(answers).toEqual([]);
  });
});

/** The aggregate type of each collection, as a fix names the record itself (`fact.type: 'work'`). */
const AGGREGATE_OF: Record<string, string> = { works: 'work', organizations: 'organization', people: 'person', deals: 'deal' };

/** The ids a creation example chooses (workId, organizationId, …) replaced by new ones. */
function withFreshIds(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const own = Object.entries(body as Record<string, unknown>).map(([key, value]) => [key, /^(work|organization|person|deal)Id$/.test(key) ? randomUUID() : value]);
  return Object.fromEntries(own);
}

/** Every problem type URI the apps and libs can answer, from their sources. */
function problemTypesInSource(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(entry.name)) {
        for (const match of readFileSync(path, 'utf8').matchAll(/['"`](\/problems\/[a-z0-9-]+)['"`]/g)) found.add(match[1]!);
      }
    }
  };
  for (const dir of ['apps', 'libs']) walk(join(projectRoot(), dir));
  return [...found].sort();
}

interface CurlExample {
  source: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  bodyFile?: string;
  /** The placeholder (`<survivorId>`) that later examples use for the id this one answers: `# → <survivorId>`. */
  binds?: string;
}

/** The `curl` commands of the README's and docs' bash blocks (continuation lines joined), as requests. */
function curlExamples(): CurlExample[] {
  const root = projectRoot();
  const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
  const examples: CurlExample[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const block of text.matchAll(/```(?:bash|sh|shell)\n([\s\S]*?)```/g)) {
      const joined = block[1]!.replace(/\\\n\s*/g, ' ');
      for (const line of joined.split('\n')) {
        const command = line.replace(/\s+#.*$/, '').trim();
        if (!command.startsWith('curl ')) continue;
        const binds = /#\s*→\s*(<\w+Id>)\s*$/.exec(line)?.[1];
        examples.push({ ...parseCurl(command, `${file}: ${command.slice(0, 80)}`, root), ...(binds ? { binds } : {}) });
      }
    }
  }
  return examples;
}

function parseCurl(command: string, source: string, root: string): CurlExample {
  const words = [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  const example: CurlExample = { source, method: 'GET', url: '', headers: {} };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-s' || word === '-i' || word === '-sS') continue;
    if (word === '-X') example.method = words[++i]!;
    else if (word === '-H') {
      const [name, ...value] = words[++i]!.split(':');
      example.headers[name!.trim()] = value.join(':').trim();
    } else if (word === '-d' || word === '--data') {
      const data = words[++i]!;
      if (data.startsWith('@')) example.bodyFile = data.slice(1);
      example.body = data.startsWith('@') ? readFileSync(join(root, data.slice(1)), 'utf8') : data;
      if (example.method === 'GET') example.method = 'POST';
    } else if (!word.startsWith('-')) example.url = word;
  }
  return example;
}
