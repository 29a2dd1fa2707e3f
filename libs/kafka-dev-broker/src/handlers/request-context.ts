import type { Reader, Writer } from '../protocol/codec.js';
import type { BrokerState } from '../server/broker-state.js';

export interface RequestContext {
  readonly broker: BrokerState;
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** The request body, after the header. */
  readonly body: Reader;
  /** Aborted when the connection closes, so held requests (long-poll fetches) can give up early. */
  readonly signal: AbortSignal;
}

/**
 * Decodes one request body and returns the response body, or null when no response is due (Produce with acks=0).
 * A decoding failure throws ProtocolError; the connection is then closed.
 */
export type RequestHandler = (context: RequestContext) => Writer | null | Promise<Writer | null>;
