import type { SourceCitation } from '../../../../contracts/src/envelope.js';
import { fold, type DecideContext, type Decider, type DomainEvent, type DomainEventMetadata } from '../decider.js';

/**
 * given(events).when(command).then(events) / .thenThrows(ErrorClass) — Emmett-style decider specs.
 * Given events need only type and data; metadata defaults to eventId 'given-<n>' and TEST_SOURCE.
 * `then` compares type and data exactly, and metadata as a subset when the expected event lists it.
 * The context's clock is TEST_NOW and ids are 'id-1', 'id-2', … in the order decide asks for them.
 */
export const TEST_NOW = new Date('2025-06-30T12:00:00Z');
export const TEST_SOURCE: SourceCitation = { publisher: 'Variety', url: 'https://variety.com/2025/film/news/example', language: 'en' };

export function testContext(now = TEST_NOW): DecideContext & { issued: string[] } {
  const issued: string[] = [];
  return {
    now,
    issued,
    newId() {
      const id = `id-${issued.length + 1}`;
      issued.push(id);
      return id;
    },
  };
}

export type GivenEvent<E extends DomainEvent> = E extends DomainEvent ? Omit<E, 'metadata'> & { metadata?: Partial<DomainEventMetadata> } : never;
export type ExpectedEvent<E extends DomainEvent> = E extends DomainEvent ? Omit<E, 'metadata'> & { metadata?: Partial<DomainEventMetadata> } : never;

export function withMetadata<E extends DomainEvent>(events: readonly GivenEvent<E>[]): E[] {
  return events.map((e, i) => ({ ...e, metadata: { eventId: `given-${i + 1}`, source: TEST_SOURCE, ...e.metadata } }) as unknown as E);
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface WhenResult<E extends DomainEvent> {
  /** Runs decide and returns its events (or throws its error). */
  run(): E[];
  /** decide returns exactly these events (type and data; metadata as a subset where given). */
  then(expected: readonly ExpectedEvent<E>[]): E[];
  /** decide throws this error class. */
  then<T extends ErrorClass>(errorClass: T): InstanceType<T>;
  thenThrows<T extends ErrorClass>(errorClass: T, inspect?: (error: InstanceType<T>) => void): InstanceType<T>;
}

export function deciderSpec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, options: { now?: Date } = {}) {
  return {
    given(events: readonly GivenEvent<E>[] = []) {
      const state = () => fold(decider, withMetadata<E>(events));
      return {
        /** The folded state, for assertions on evolve. */
        state,
        when(command: C): WhenResult<E> {
          const run = (): E[] => decider.decide(command, state(), testContext(options.now));
          const result: WhenResult<E> = {
            run,
            /** The expected events, or the error class decide must throw. */
            then: ((expected: readonly ExpectedEvent<E>[] | ErrorClass) => {
              if (typeof expected === 'function') return result.thenThrows(expected);
              const actual = run();
              expect(actual.map((e) => ({ type: e.type, data: e.data }))).toEqual(expected.map((e) => ({ type: e.type, data: e.data })));
              expected.forEach((e, i) => {
                if (e.metadata) expect(actual[i]!.metadata).toMatchObject(e.metadata);
              });
              return actual;
            }) as WhenResult<E>['then'],
            thenThrows<T extends ErrorClass>(errorClass: T, inspect?: (error: InstanceType<T>) => void): InstanceType<T> {
              let events: E[] | undefined;
              let caught: unknown;
              try {
                events = run();
              } catch (error) {
                caught = error;
              }
              if (events) throw new Error(`expected decide to throw ${errorClass.name}, but it returned ${JSON.stringify(events.map((e) => e.type))}`);
              expect(caught).toBeInstanceOf(errorClass);
              inspect?.(caught as InstanceType<T>);
              return caught as InstanceType<T>;
            },
          };
          return result;
        },
      };
    },
  };
}
