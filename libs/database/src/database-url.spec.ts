import { resolveDatabase } from './database-url.js';

describe('resolveDatabase', () => {
  it.each(['production', 'Production', 'prod'])('refuses to fall back to the embedded PostgreSQL when NODE_ENV is %p', async (nodeEnv) => {
    await expect(resolveDatabase({ NODE_ENV: nodeEnv })).rejects.toThrow(`DATABASE_URL must be set when NODE_ENV is "${nodeEnv}"`);
  });

  it('takes DATABASE_URL in any environment, describing it without its password', async () => {
    const database = await resolveDatabase({ NODE_ENV: 'prod', DATABASE_URL: 'postgres://app:secret@db.internal:5432/reelwire' });
    expect(database).toMatchObject({ url: 'postgres://app:secret@db.internal:5432/reelwire', description: 'external PostgreSQL at postgres://app:***@db.internal:5432/reelwire' });
  });
});
