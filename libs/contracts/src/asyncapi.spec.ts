import { buildAsyncApiDocument, EVENT_HEADERS } from './asyncapi.js';
import { eventContracts } from './event-contracts.js';
import { AGGREGATE_TYPES, topicFor } from './streams.js';

describe('the AsyncAPI document for downstream teams', () => {
  const document = buildAsyncApiDocument() as {
    asyncapi: string;
    channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
    components: { messages: Record<string, { headers: { properties: Record<string, unknown> }; payload: { properties: { data: unknown } } }> };
  };

  it('has one channel per aggregate topic', () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.keys(document.channels).sort()).toEqual(AGGREGATE_TYPES.map(topicFor).sort());
  });

  it('describes every event type and version on its topic, with the JSON Schema of its data and all headers', () => {
    for (const contract of eventContracts) {
      const name = `${contract.type}.v${contract.schemaVersion}`;
      expect(document.channels[contract.topic].messages[name]).toEqual({ $ref: `#/components/messages/${name}` });
      const message = document.components.messages[name];
      expect(message.payload.properties.data).toBe(contract.schema);
      expect(Object.keys(message.headers.properties)).toEqual(Object.keys(EVENT_HEADERS));
    }
  });

  it('every $ref resolves inside the document', () => {
    const text = JSON.stringify(document);
    const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((match) => match[1]);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target).toBeDefined();
    }
  });
});
