import { AUDITOR, EDITOR } from './support/admin-api.js';
import { startTestPipeline, type TestPipeline } from './support/pipeline.js';

const VARIETY = { publisher: 'Variety', url: 'https://variety.com/2026/film/news/green-planet-remake-1236000000/', publishedAt: '2026-03-02', kind: 'trade-report' };
const STUDIO_RELEASE = { publisher: 'CJ ENM', url: 'https://www.cjenm.com/en/news/green-planet', publishedAt: '2026-04-15', kind: 'press-release' };
const AGENCY_DENIAL = { publisher: 'BH Entertainment', url: 'https://bhent.co.kr/notice/42', publishedAt: '2026-05-10', kind: 'interview' };

/**
 * How sure a fact is, as an editor records it and an auditor reads it back: a credit reported by the trade press, then
 * confirmed by the studio's press release, shows as confirmed on the card and as a dated step on the timeline; a casting
 * "in talks" that the agency denies leaves the card's current cast but stays in the record, without being retracted.
 * Over HTTP, against a real PostgreSQL, with the relay and projector (dev broker) behind the read models.
 */
describe('admin API: how sure a fact is (rumored, reported, confirmed, denied)', () => {
  let pipeline: TestPipeline;
  let remake: string;
  let other: string;
  let cjEnm: string;
  let lead: string;
  let creditId: string;
  let castingId: string;
  let wrongCreditId: string;

  const http = () => pipeline.api.http();
  const get = (path: string, query: Record<string, string | number> = {}) => http().get(path).query(query).set('Authorization', AUDITOR);
  const post = (path: string, body: object, idempotencyKey?: string) => {
    const request = http().post(path).set('Authorization', EDITOR);
    return (idempotencyKey ? request.set('Idempotency-Key', idempotencyKey) : request).send(body);
  };
  const created = async (path: string, body: object) => {
    const response = await post(path, body);
    expect({ path, status: response.status, body: response.body }).toEqual({ path, status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
    return response.body.id as string;
  };

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    cjEnm = await created('/organizations', { kind: 'studio', country: 'KR', names: [{ text: 'CJ ENM', language: 'en', primary: true }], source: VARIETY });
    lead = await created('/people', { names: [{ text: 'Jesse Plemons', language: 'en', primary: true }], nationalities: ['US'], source: VARIETY });
    remake = await created('/works', {
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US'],
      titles: [{ text: 'Bugonia', language: 'en', class: 'original' }],
      status: 'in-development',
      source: VARIETY,
    });
    other = await created('/works', {
      kind: 'feature-film',
      originalLanguage: 'en',
      countries: ['US'],
      titles: [{ text: 'Untitled Green Planet Sequel', language: 'en', class: 'working' }],
      standing: 'rumored',
      source: VARIETY,
    });
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('marks a credit reported, then confirmed by the studio, and sees it on the card and the timeline', async () => {
    const credit = await post(`/works/${remake}/credits`, { organizationId: cjEnm, role: 'producer', country: 'KR', standing: 'reported', source: VARIETY });
    expect(credit.status).toBe(200);
    creditId = (await get(`/works/${remake}`).expect(200)).body.state.credits[0].creditId;

    const confirmation = { fact: { type: 'company-credit', id: creditId }, standing: 'confirmed', note: "CJ ENM's press release names itself producer", source: STUDIO_RELEASE };
    const first = await post(`/works/${remake}/standing-changes`, confirmation, 'confirm-cj-credit');
    expect(first.status).toBe(200);
    const retried = await post(`/works/${remake}/standing-changes`, confirmation, 'confirm-cj-credit');
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(first.body);
    await post(`/works/${remake}/standing-changes`, { fact: { type: 'work', id: remake }, standing: 'confirmed', source: STUDIO_RELEASE }).expect(200);
    await pipeline.caughtUp();

    const card = (await get(`/projects/${remake}`).expect(200)).body;
    expect(card.standing).toBe('confirmed');
    expect(card.companiesByRole.producer).toEqual([expect.objectContaining({ creditId, organizationId: cjEnm, name: 'CJ ENM', standing: 'confirmed' })]);

    const timeline = (await get(`/projects/${remake}/timeline`).expect(200)).body;
    const steps = timeline.entries.filter((e: { kind: string; factId: string }) => e.kind === 'standing' && e.factId === creditId);
    expect(steps).toEqual([
      expect.objectContaining({
        factType: 'company-credit',
        details: expect.objectContaining({ from: 'reported', standing: 'confirmed' }),
        source: { publisher: 'CJ ENM', url: STUDIO_RELEASE.url, publishedAt: '2026-04-15', kind: 'press-release' },
        note: "CJ ENM's press release names itself producer",
        stream: `work-${remake}`,
      }),
    ]);
    // When the desk learnt more is not part of the project's development span.
    expect(timeline.span).toBeNull();

    // A clarification of a dated fact shows on its timeline entry, which stays current.
    await post(`/works/${remake}/milestones`, { milestoneId: 'script-done', label: 'Script finished', kind: 'script', date: { date: '2025-09', precision: 'month' }, source: VARIETY }).expect(200);
    await post(`/works/${remake}/clarifications`, { fact: { type: 'milestone', id: 'script-done' }, note: 'a first draft; rewrites continue', source: STUDIO_RELEASE }).expect(200);
    await pipeline.caughtUp();
    const script = (await get(`/projects/${remake}/timeline`).expect(200)).body.entries.find((e: { factId: string }) => e.factId === 'script-done');
    expect(script).toEqual(expect.objectContaining({ kind: 'milestone', current: true, clarifications: ['a first draft; rewrites continue'] }));

    const history = (await get(`/works/${remake}/history`).expect(200)).body;
    const change = history.entries.find((e: { type: string }) => e.type === 'WorkFactStandingChanged');
    expect(change).toEqual(
      expect.objectContaining({
        data: { workId: remake, fact: { type: 'company-credit', id: creditId }, standing: 'confirmed', from: 'reported' },
        source: expect.objectContaining({ publisher: 'CJ ENM', kind: 'press-release' }),
      }),
    );
  });

  it('lists projects by their standing, and refuses a standing it does not know, naming the allowed ones', async () => {
    const confirmed = (await get('/projects', { standing: 'confirmed' }).expect(200)).body.items.map((p: { workId: string; standing: string }) => [p.workId, p.standing]);
    expect(confirmed).toEqual([[remake, 'confirmed']]);
    const rumored = (await get('/projects', { standing: 'rumored' }).expect(200)).body.items.map((p: { workId: string }) => p.workId);
    expect(rumored).toEqual([other]);
    const refused = await get('/projects', { standing: 'certain' }).expect(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([{ field: 'standing', message: 'standing must be one of rumored, reported, confirmed, denied' }]);
  });

  it('records a casting "in talks" the agency then denies: off the current cast, kept in the record, not retracted', async () => {
    await post(`/works/${remake}/attachments`, { personId: lead, role: 'cast', billing: 'lead', standing: 'rumored', source: VARIETY }).expect(200);
    castingId = (await get(`/works/${remake}`).expect(200)).body.state.attachments[0].attachmentId;
    await pipeline.caughtUp();
    expect((await get(`/projects/${remake}`).expect(200)).body.peopleByRole.cast).toEqual([expect.objectContaining({ attachmentId: castingId, standing: 'rumored' })]);
    expect((await get('/projects', { personId: lead }).expect(200)).body.items.map((p: { workId: string }) => p.workId)).toEqual([remake]);

    await post(`/works/${remake}/standing-changes`, { fact: { type: 'talent-attachment', id: castingId }, standing: 'denied', note: 'His agency says he never took the part', source: AGENCY_DENIAL }).expect(200);
    await pipeline.caughtUp();

    const card = (await get(`/projects/${remake}`).expect(200)).body;
    expect(card.peopleByRole.cast).toBeUndefined();
    expect(card.denied.people).toEqual([expect.objectContaining({ attachmentId: castingId, personId: lead, name: 'Jesse Plemons', standing: 'denied' })]);
    expect(card.notes.filter((n: { factId: string }) => n.factId === castingId)).toEqual([]);
    expect((await get('/projects', { personId: lead }).expect(200)).body.items).toEqual([]);
    const work = (await get(`/works/${remake}`).expect(200)).body.state;
    expect(work.attachments[0]).toEqual(expect.objectContaining({ attachmentId: castingId, standing: 'denied', rank: 'normal' }));
    expect(work.attachments[0].retracted).toBeUndefined();

    // Denying it again records nothing; a later confirmation (the denial was a negotiating move) brings the casting back.
    await post(`/works/${remake}/standing-changes`, { fact: { type: 'talent-attachment', id: castingId }, standing: 'denied', source: AGENCY_DENIAL })
      .expect(422)
      .expect((r) => expect(r.body.errors).toEqual([{ field: 'standing', message: `the talent-attachment ${castingId} is already denied` }]));
    await post(`/works/${remake}/standing-changes`, { fact: { type: 'talent-attachment', id: castingId }, standing: 'confirmed', source: STUDIO_RELEASE }).expect(200);
    await pipeline.caughtUp();
    const again = (await get(`/projects/${remake}`).expect(200)).body;
    expect(again.peopleByRole.cast).toEqual([expect.objectContaining({ attachmentId: castingId, standing: 'confirmed' })]);
    expect(again.denied.people).toEqual([]);
    const steps = (await get(`/projects/${remake}/timeline`).expect(200)).body.entries.filter((e: { kind: string; factId: string }) => e.kind === 'standing' && e.factId === castingId);
    expect(steps.map((e: { details: { from: string; standing: string } }) => [e.details.from, e.details.standing])).toEqual([
      ['rumored', 'denied'],
      ['denied', 'confirmed'],
    ]);
  });

  it('keeps retraction for a false premise: a retracted credit takes no standing, and the card note names the fact it retracts', async () => {
    await post(`/works/${remake}/credits`, { organizationId: cjEnm, role: 'distributor', territory: 'US', source: VARIETY }).expect(200);
    wrongCreditId = (await get(`/works/${remake}`).expect(200)).body.state.credits.find((c: { role: string }) => c.role === 'distributor').creditId;
    await post(`/works/${remake}/retractions`, { fact: { type: 'company-credit', id: wrongCreditId }, note: 'CJ ENM never had US distribution', source: STUDIO_RELEASE }).expect(200);
    const refused = await post(`/works/${remake}/standing-changes`, { fact: { type: 'company-credit', id: wrongCreditId }, standing: 'confirmed', source: STUDIO_RELEASE }).expect(422);
    expect(refused.body.type).toBe('/problems/retracted');
    await pipeline.caughtUp();

    const now = await get(`/projects/${remake}`).expect(200);
    // as of that position (a query over the versioned tables) the note names its fact the same way
    const card = (await get(`/projects/${remake}`, { asOfPosition: now.headers['x-reelwire-position'] }).expect(200)).body;
    expect(card.notes).toEqual(now.body.notes);
    expect(card.notes).toHaveLength(2);
    expect(card.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ factType: 'milestone', factId: 'script-done', factLabel: 'milestone', kind: 'clarified', note: 'a first draft; rewrites continue' }),
        expect.objectContaining({ factType: 'company-credit', factId: wrongCreditId, factLabel: 'company credit: CJ ENM (distributor)', kind: 'retracted', note: 'CJ ENM never had US distribution' }),
      ]),
    );

    // The auditor sees who retracted the credit and on which source, from the event that stated it.
    const history = (await get(`/works/${remake}/history`).expect(200)).body;
    const stated = history.entries.find((e: { type: string; data: { creditId?: string } }) => e.type === 'CompanyCreditAdded' && e.data.creditId === wrongCreditId);
    expect(stated.correctionChain.fixedBy).toEqual([
      expect.objectContaining({
        kind: 'retraction',
        note: 'CJ ENM never had US distribution',
        actor: { id: expect.any(String), role: 'editor' },
        source: expect.objectContaining({ publisher: 'CJ ENM', kind: 'press-release' }),
      }),
    ]);
  });

  it("takes a credit a source denies out of the company's portfolio, lists it apart, and shows each attachment's standing", async () => {
    await post(`/works/${other}/credits`, { organizationId: cjEnm, role: 'co-producer', country: 'KR', source: VARIETY }).expect(200);
    const sequelCreditId = (await get(`/works/${other}`).expect(200)).body.state.credits[0].creditId;
    await pipeline.caughtUp();
    const creditsOn = (portfolio: { works: { workId: string; credits: { details: { creditId: string }; standing: string }[] }[] }) =>
      portfolio.works.flatMap((w) => w.credits.map((c) => [w.workId, c.details.creditId, c.standing]));
    const beforeDenial = await get(`/companies/${cjEnm}/portfolio`).expect(200);
    const before = beforeDenial.body;
    expect(creditsOn(before)).toEqual(expect.arrayContaining([[remake, creditId, 'confirmed'], [other, sequelCreditId, 'reported']]));

    await post(`/works/${other}/standing-changes`, { fact: { type: 'company-credit', id: sequelCreditId }, standing: 'denied', note: 'CJ ENM says it has no part in a sequel', source: STUDIO_RELEASE }).expect(200);
    await pipeline.caughtUp();
    const after = (await get(`/companies/${cjEnm}/portfolio`).expect(200)).body;
    expect(creditsOn(after)).toEqual([[remake, creditId, 'confirmed']]);
    expect(creditsOn(after.denied)).toEqual([[other, sequelCreditId, 'denied']]);
    // as of before the denial, the credit was the company's involvement
    const asOf = (await get(`/companies/${cjEnm}/portfolio`, { asOfPosition: beforeDenial.headers['x-reelwire-position'] }).expect(200)).body;
    expect(creditsOn(asOf)).toEqual(creditsOn(before));
    expect(asOf.denied.works).toEqual([]);

    const attachments = (await get(`/people/${lead}/attachments`).expect(200)).body.attachments;
    expect(attachments).toEqual([expect.objectContaining({ attachmentId: castingId, workId: remake, standing: 'confirmed', current: true })]);
  });

  it("shows on a release's timeline entry the publisher and URL of the source that scheduled it; a clarified milestone cites the clarification's", async () => {
    await post(`/works/${remake}/releases`, { releaseId: 'bugonia-us', territory: 'US', type: 'wide', date: { date: '2026-10', precision: 'month' }, source: VARIETY }).expect(200);
    await pipeline.caughtUp();
    const entryOf = async () => (await get(`/projects/${remake}/timeline`).expect(200)).body.entries.find((e: { factId: string }) => e.factId === 'bugonia-us');
    expect(await entryOf()).toEqual(expect.objectContaining({ kind: 'release', source: { publisher: 'Variety', url: VARIETY.url, publishedAt: '2026-03-02', kind: 'trade-report' } }));
    const milestone = (await get(`/projects/${remake}/timeline`).expect(200)).body.entries.find((e: { factId: string }) => e.factId === 'script-done');
    // the clarification was the script milestone's last change: its entry cites the studio's release
    expect(milestone.source).toEqual(expect.objectContaining({ publisher: 'CJ ENM', url: STUDIO_RELEASE.url }));
  });

  it('validates the kind of every cited source, and publishes the vocabularies in the API and event contracts', async () => {
    const refused = await post(`/works/${remake}/milestones`, { label: 'Script', kind: 'script', date: { date: '2026', precision: 'year' }, source: { ...VARIETY, kind: 'tweet' } }).expect(400);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([
      { field: 'source.kind', message: 'source.kind must be one of trade-report, press-release, company-filing, interview, own-reporting, festival-programme' },
    ]);
    const unknownStanding = await post(`/works/${remake}/standing-changes`, { fact: { type: 'work', id: remake }, standing: 'likely', source: VARIETY }).expect(400);
    expect(unknownStanding.body.errors).toEqual([{ field: 'standing', message: 'standing must be one of rumored, reported, confirmed, denied' }]);

    const docs = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/works/{workId}/standing-changes', '/deals/{dealId}/standing-changes', '/people/{personId}/standing-changes', '/organizations/{organizationId}/standing-changes']));
    expect(docs.components.schemas.SourceCitationDto.properties.kind.enum).toEqual(['trade-report', 'press-release', 'company-filing', 'interview', 'own-reporting', 'festival-programme']);
    const contract = (await http().get('/contracts/events/WorkFactStandingChanged/1').expect(200)).body;
    expect(contract.properties.standing.enum).toEqual(['rumored', 'reported', 'confirmed', 'denied']);
  });
});
