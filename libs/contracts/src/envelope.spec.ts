import { publicMetadata, type EventMetadata } from './envelope.js';

describe('publicMetadata: what leaves the log for everyone without a key', () => {
  const base: EventMetadata = {
    eventId: 'e1',
    actor: { id: 'desk-anna', role: 'editor' },
    correlationId: 'c',
    causationId: 'c',
    recordedAt: '2026-12-07T10:00:00.000Z',
    schemaVersion: 1,
    source: { publisher: 'Variety', url: 'https://variety.com/a' },
  };

  it('leaves an ordinary source and metadata as they are', () => {
    expect(publicMetadata(base)).toBe(base);
  });

  it('keeps publisher, publishedAt, language and kind of a confidential source, the label and the trace context; drops the sealed parts and any stray field', () => {
    const stored: EventMetadata = {
      ...base,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      source: {
        publisher: 'Variety',
        publishedAt: '2026-11-29',
        language: 'en',
        kind: 'interview',
        // a plaintext field that should never be there is not published either
        title: 'leaked',
        confidential: { label: 'confidential source', sourceId: 's1', keyId: 'k1', algorithm: 'AES-256-GCM', iv: 'aXY=', ciphertext: 'Y2lwaGVy' },
      },
      personalData: { label: 'personal data', keyId: 'k2', algorithm: 'AES-256-GCM', iv: 'aXY=', ciphertext: 'Y2lwaGVy' },
    };
    expect(publicMetadata(stored)).toEqual({
      ...base,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      source: { publisher: 'Variety', publishedAt: '2026-11-29', language: 'en', kind: 'interview', confidential: { label: 'confidential source' } },
      personalData: { label: 'personal data' },
    });
    expect(stored.source.confidential?.ciphertext).toBe('Y2lwaGVy');
  });
});
