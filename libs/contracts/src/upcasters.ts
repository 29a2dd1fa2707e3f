/**
 * Upcasting: an event stored at an old schema version is brought to the current version when it is read, by pure
 * functions registered here — one per (type, fromVersion), chained v1 → v2 → … → current. Stored rows never change
 * (the hash chain covers what was stored); every reader (the API's event store, the projector's fold, history, rebuild)
 * applies the same registry through `upcastEvent`.
 *
 * Adding a breaking change to an event type: add its contract at schemaVersion n+1 (event-contracts.ts), change the
 * domain to the new shape, and register `{ type, fromVersion: n, upcast }` in `eventUpcasters` below.
 */
import type { EventMetadata } from './envelope.js';

/** One step of an event type's chain: data at `fromVersion` → data at `fromVersion + 1`. Must be pure. */
export interface EventUpcaster {
  type: string;
  fromVersion: number;
  upcast(data: Record<string, unknown>, metadata: Readonly<EventMetadata>): Record<string, unknown>;
}

/** What can be upcast: a stored event, a published (Kafka) event, anything with these fields. */
export interface UpcastableEvent {
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
}

export class UpcastError extends Error {
  constructor(
    readonly type: string,
    readonly fromVersion: number,
    message: string,
  ) {
    super(message);
    this.name = 'UpcastError';
  }
}

/** The upcasters of every event type, keyed by type and the version they read. */
export class UpcasterRegistry {
  private readonly steps = new Map<string, EventUpcaster>();

  /** Registers a step; returns a function that removes it again (tests). A second step for the same version throws. */
  register(upcaster: EventUpcaster): () => void {
    if (!upcaster.type || !Number.isInteger(upcaster.fromVersion) || upcaster.fromVersion < 1 || typeof upcaster.upcast !== 'function') {
      throw new TypeError('an upcaster needs a type, an integer fromVersion >= 1 and an upcast function');
    }
    const key = `${upcaster.type}@${upcaster.fromVersion}`;
    if (this.steps.has(key)) throw new Error(`an upcaster from ${upcaster.type} v${upcaster.fromVersion} is already registered`);
    this.steps.set(key, upcaster);
    return () => {
      if (this.steps.get(key) === upcaster) this.steps.delete(key);
    };
  }

  get(type: string, fromVersion: number): EventUpcaster | undefined {
    return this.steps.get(`${type}@${fromVersion}`);
  }

  /** The highest version the registered steps of `type` lead to (0 when none is registered). */
  latestVersion(type: string): number {
    let latest = 0;
    for (const step of this.steps.values()) if (step.type === type && step.fromVersion + 1 > latest) latest = step.fromVersion + 1;
    return latest;
  }

  /** Every registered step, for listing (e.g. in docs). */
  list(): EventUpcaster[] {
    return [...this.steps.values()].sort((a, b) => (a.type === b.type ? a.fromVersion - b.fromVersion : a.type < b.type ? -1 : 1));
  }

  /**
   * The event brought to `targetVersion` (default: as far as the chain goes) by applying each step in turn. The
   * event's and its metadata's schemaVersion become the version reached; the input is never mutated. An event
   * already at or above the target comes back as it is. Throws UpcastError when a step is missing on the way.
   */
  upcast<E extends UpcastableEvent>(event: E, targetVersion?: number): E {
    const target = targetVersion ?? Math.max(event.schemaVersion, this.latestVersion(event.type));
    if (event.schemaVersion >= target) return event;
    let data = event.data;
    let version = event.schemaVersion;
    while (version < target) {
      const step = this.get(event.type, version);
      if (!step) throw new UpcastError(event.type, version, `no upcaster from ${event.type} v${version} (target v${target})`);
      data = step.upcast(structuredClone(data), event.metadata);
      version += 1;
    }
    return { ...event, schemaVersion: version, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}

/**
 * The registry every reader uses. Production steps are registered here, next to the contracts they bridge; tests
 * may register one and remove it with the returned function.
 */
export const eventUpcasters = new UpcasterRegistry();

/** `event` upcast with the shared registry to the highest version its chain reaches (see UpcasterRegistry.upcast). */
export function upcastEvent<E extends UpcastableEvent>(event: E, targetVersion?: number): E {
  return eventUpcasters.upcast(event, targetVersion);
}
