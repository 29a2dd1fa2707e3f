import { resolveDatabase } from './database-url.js';

describe('resolveDatabase', () => {
  it.each(['production', 'Production', 'prod'])('refuses to fall back to the embedded PostgreSQL when NODE_ENV is %p', async (nodeEnv) => {
    await expect(resolveDatabase({ NODE_ENV: nodeEnv })).rejects.toThrow(`DATABASE_URL must be set when NODE_ENV is "${nodeEnv}"`);
  });

  it('takes DATABASE_URL in any environment, describing it without its password', async () => {
    const database = await resolveDatabase({ NODE_ENV: 'prod', DATABASE_URL: 'postgres://app:secret@db.internal:5432/reelwire' });
    expect(database).toMatchObject({ url: 'postgres://app:secret@db.internal:5432/reelwire', description: 'external PostgreSQL at postgres://app:***@db.internal:5432/reelwire' });
  });

  it('refuses a DATABASE_URL that is not a PostgreSQL URL, without printing its password', async () => {
    const refused = resolveDatabase({ DATABASE_URL: 'mysql://app:secret@db.internal/reelwire' });
    await expect(refused).rejects.toThrow('DATABASE_URL must be a postgres://, postgresql:// or socket: URL');
    await expect(refused).rejects.toThrow('got "mysql://app:***@db.internal/reelwire"');
    await expect(resolveDatabase({ DATABASE_URL: 'db.internal:5432' })).rejects.toThrow(/DATABASE_URL must be a postgres:\/\//);
  });

  it('refuses an EMBEDDED_POSTGRES_PORT that is not a port before starting anything', async () => {
    await expect(resolveDatabase({ EMBEDDED_POSTGRES_PORT: '5432x' })).rejects.toThrow('EMBEDDED_POSTGRES_PORT must be a TCP port from 1 to 65535, got "5432x"');
  });
});
