export {
  toKafkaMessage,
  fromKafkaMessage,
  toPublishedEvent,
  MalformedMessageError,
  PUBLISHED_EVENT_HEADERS,
  type PublishedEvent,
  type PublishableEvent,
  type KafkaMessage,
  type IncomingKafkaMessage,
} from './published-event.js';
export { createKafka, parseBrokers, reelwireTopics, REELWIRE_TOPICS, ensureTopics, LogLevel, type CreateKafkaOptions, type KafkaLogLevel } from './kafka.js';
