import { fromKafkaMessage, MalformedMessageError, toKafkaMessage, type PublishableEvent } from './index.js';

const event: PublishableEvent = {
  globalPosition: '9007199254740993',
  streamId: 'work-3f2a7c1e-0000-4000-8000-000000000001',
  streamType: 'work',
  streamVersion: 3,
  eventId: '11111111-2222-4333-8444-555555555555',
  type: 'WorkStatusChanged',
  schemaVersion: 1,
  data: { status: 'in-development', since: { date: '2018', precision: 'year' } },
  metadata: {
    eventId: '11111111-2222-4333-8444-555555555555',
    actor: { id: 'editor-7', role: 'editor' },
    correlationId: 'corr-1',
    causationId: 'cmd-1',
    source: { publisher: 'Variety', url: 'https://variety.com/x' },
    occurredAt: { date: '2018', precision: 'year' },
    recordedAt: '2025-01-02T03:04:05.678Z',
    schemaVersion: 1,
  },
  recordedAt: '2025-01-02T03:04:05.678Z',
};

describe('published event (Kafka message)', () => {
  it('carries key = stream id, the public value and the headers', () => {
    const message = toKafkaMessage({ ...event, hash: 'h', prevHash: 'p' } as PublishableEvent);
    expect(message.key).toBe(event.streamId);
    expect(JSON.parse(message.value)).toEqual({
      eventId: event.eventId,
      type: 'WorkStatusChanged',
      schemaVersion: 1,
      streamId: event.streamId,
      streamType: 'work',
      streamVersion: 3,
      globalPosition: '9007199254740993',
      recordedAt: event.recordedAt,
      data: event.data,
      metadata: event.metadata,
    });
    expect(message.headers).toEqual({
      'event-id': event.eventId,
      'event-type': 'WorkStatusChanged',
      'schema-version': '1',
      'correlation-id': 'corr-1',
      'causation-id': 'cmd-1',
      actor: 'editor-7',
      'occurred-at': '{"date":"2018","precision":"year"}',
      'recorded-at': event.recordedAt,
      'global-position': '9007199254740993',
    });
  });

  it('omits occurred-at when the event has no world date', () => {
    const { occurredAt: _, ...metadata } = event.metadata;
    expect(toKafkaMessage({ ...event, metadata }).headers).not.toHaveProperty('occurred-at');
  });

  it('round-trips through the bytes a consumer gets', () => {
    const message = toKafkaMessage(event);
    const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, Buffer.from(v)]));
    expect(fromKafkaMessage({ key: Buffer.from(message.key), value: Buffer.from(message.value), headers })).toEqual(JSON.parse(message.value));
  });

  it.each([
    ['a tombstone', { key: 'k', value: null }],
    ['not JSON', { key: event.streamId, value: '{oops' }],
    ['an array', { key: event.streamId, value: '[]' }],
    ['no eventId', { key: event.streamId, value: JSON.stringify({ ...JSON.parse(toKafkaMessage(event).value), eventId: undefined }) }],
    ['a numeric position', { key: event.streamId, value: JSON.stringify({ ...JSON.parse(toKafkaMessage(event).value), globalPosition: 5 }) }],
    ['version 0', { key: event.streamId, value: JSON.stringify({ ...JSON.parse(toKafkaMessage(event).value), streamVersion: 0 }) }],
    ['no metadata', { key: event.streamId, value: JSON.stringify({ ...JSON.parse(toKafkaMessage(event).value), metadata: null }) }],
    ['a key of another stream', { key: 'work-other', value: toKafkaMessage(event).value }],
    ['an event-id header that disagrees', { key: event.streamId, value: toKafkaMessage(event).value, headers: { 'event-id': 'x' } }],
  ])('rejects %s with MalformedMessageError', (_name, message) => {
    expect(() => fromKafkaMessage(message)).toThrow(MalformedMessageError);
  });
});
