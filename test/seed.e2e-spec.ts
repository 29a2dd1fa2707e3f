import type { AddressInfo } from 'node:net';
import { IDS } from '../scripts/seed/brief-facts.js';
import { runSeed } from '../scripts/seed/run-seed.js';
import { AUDITOR, startTestAdminApi, type TestAdminApi } from './support/admin-api.js';

/** `npm run seed` through the real admin API over HTTP: every fact accepted, and a second run changes nothing. */
describe('seeding the brief', () => {
  let api: TestAdminApi;
  let baseUrl: string;
  beforeAll(async () => {
    api = await startTestAdminApi();
    await api.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api?.close();
  });

  const eventCount = async () => Number((await api.db.pool.query('SELECT count(*) FROM events')).rows[0].count);

  it('records every fact of the brief with the brief as source; seeding twice records nothing new', async () => {
    const first = await runSeed({ baseUrl, apiKey: 'dev-editor-key' });
    expect(first.recorded).toBeGreaterThan(40);
    expect(first.alreadyRecorded).toBe(0);
    const events = await eventCount();

    const second = await runSeed({ baseUrl, apiKey: 'dev-editor-key' });
    expect(second).toEqual({ recorded: 0, alreadyRecorded: first.recorded });
    expect(await eventCount()).toBe(events);

    const remake = await api.http().get(`/works/${IDS.work.saveTheGreenPlanetRemake}`).set('Authorization', AUDITOR);
    expect(remake.body.state).toMatchObject({
      status: 'in-development',
      relations: [expect.objectContaining({ relation: 'remake-of', targetWorkId: IDS.work.saveTheGreenPlanet })],
      credits: [expect.objectContaining({ organizationId: IDS.org.cjEnm, role: 'producer' })],
    });
    const mother = await api.http().get(`/works/${IDS.work.goingToAbandonMyMother}`).set('Authorization', AUDITOR);
    expect(mother.body.state.attachments.map((a: { personId: string }) => a.personId)).toEqual([
      IDS.person.moHongJin,
      IDS.person.leeKwangSoo,
      IDS.person.hoangHa,
      IDS.person.tuanTran,
      IDS.person.hongDao,
    ]);
    expect(mother.body.state.credits.map((c: { country: string }) => c.country)).toEqual(['KR', 'KR', 'VN', 'VN', 'VN']);
    const history = await api.http().get(`/works/${IDS.work.goingToAbandonMyMother}/history`).set('Authorization', AUDITOR);
    for (const entry of history.body.entries) expect(entry.source.title).toContain('Korean films go global');
  });
});
