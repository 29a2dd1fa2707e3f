import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  CONFIDENTIAL_SOURCE_LABEL,
  PERSONAL_DATA_LABEL,
  PUBLIC_SOURCE_FIELDS,
  publicSource,
  type ConfidentialSourceSeal,
  type SealedPersonalData,
  type SourceCitation,
} from '../../../../libs/contracts/src/envelope.js';
import type { AggregateType } from '../../../../libs/contracts/src/streams.js';
import { DomainValidationError, type EventForAppend } from '../../../../libs/domain/src/index.js';
import { ROLES_READING_SEALED, type Role } from '../config/app-config.js';
import type { HistoryEntry } from '../reading/history-entries.js';
import { KeyVault } from './key-vault.js';
import { openJson, personalDataAssociatedData, sealJson, sourceAssociatedData } from './sealing.js';

/** What a command asks to be sealed, taken out of its data before the domain decides on the rest. */
export interface SealPlan {
  source?: { sourceId: string; withholdPublisher: boolean };
  personalData?: { personId: string; details: Record<string, unknown> };
}

/** The request's source: a citation plus how confidential it is. */
interface SourceRequest extends Omit<SourceCitation, 'confidential'> {
  confidential?: unknown;
  sourceId?: unknown;
  withholdPublisher?: unknown;
}

/** A confidential source as its readers get it: opened, or the label with why it is not. */
export interface OpenedConfidentialSource extends Omit<SourceCitation, 'confidential'> {
  confidential: { label: typeof CONFIDENTIAL_SOURCE_LABEL; sourceId?: string; erased?: true; unreadable?: true };
}

/** Personal data as its readers get it. */
export interface OpenedPersonalData {
  label: typeof PERSONAL_DATA_LABEL;
  details?: Record<string, unknown>;
  erased?: true;
  unreadable?: true;
}

const PERSONAL_DATA_COMMANDS = new Set(['RegisterPerson', 'UpdatePersonDetails']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_CONFIGURED = 'cannot be sealed: this server has no key-encryption key (REELWIRE_KEY_ENCRYPTION_KEY is not set)';

/**
 * Crypto-shredding for the admin API (docs/confidential-sources.md): the identifying details of a confidential source
 * and a person's personal data are sealed with a data key before the events are appended, so the log, its hash chain,
 * Kafka, the read models and every export hold only ciphertext (or, outside the log, the label); readers whose role
 * may see them get them opened; destroying a person's key erases their data everywhere at once.
 * The domain never sees any of it: it decides on the command without the sealed parts.
 */
@Injectable()
export class Confidentiality {
  constructor(@Optional() @Inject(KeyVault) private readonly vault?: KeyVault) {}

  /** The command data the domain decides on, and what to seal in the events it decides. */
  split(aggregate: AggregateType, type: string, data: Record<string, unknown>): { data: Record<string, unknown>; plan: SealPlan } {
    const plan: SealPlan = {};
    let rest = data;
    const source = data.source as SourceRequest | undefined;
    // The request DTOs declare these fields, so they may be present as undefined: only a value counts.
    if (source && typeof source === 'object' && ('confidential' in source || 'sourceId' in source || 'withholdPublisher' in source)) {
      const { confidential, sourceId, withholdPublisher, ...citation } = source;
      const errors = [];
      if (confidential !== true && confidential !== false && confidential !== undefined) errors.push({ field: 'source.confidential', message: 'must be true or false' });
      if (confidential !== true && (sourceId !== undefined || withholdPublisher !== undefined)) {
        errors.push({ field: 'source.confidential', message: 'must be true when sourceId or withholdPublisher is given' });
      }
      if (sourceId !== undefined && !(typeof sourceId === 'string' && UUID.test(sourceId))) errors.push({ field: 'source.sourceId', message: 'must be a UUID' });
      if (withholdPublisher !== undefined && typeof withholdPublisher !== 'boolean') errors.push({ field: 'source.withholdPublisher', message: 'must be true or false' });
      if (confidential === true && !this.vault) errors.push({ field: 'source.confidential', message: NOT_CONFIGURED });
      if (errors.length) throw new DomainValidationError(errors);
      rest = { ...rest, source: citation };
      if (confidential === true) plan.source = { sourceId: ((sourceId as string | undefined) ?? randomUUID()).toLowerCase(), withholdPublisher: withholdPublisher === true };
    }
    if ('privateDetails' in rest) {
      const { privateDetails: _sealedApart, ...others } = rest;
      rest = others;
    }
    if (data.privateDetails !== undefined) {
      const { privateDetails } = data;
      const errors = [];
      if (aggregate !== 'person' || !PERSONAL_DATA_COMMANDS.has(type)) errors.push({ field: 'privateDetails', message: 'is recorded only when registering a person or updating their details' });
      else if (typeof privateDetails !== 'object' || privateDetails === null || Array.isArray(privateDetails) || !Object.values(privateDetails).some((v) => v !== undefined)) {
        errors.push({ field: 'privateDetails', message: 'must be an object with at least one detail' });
      }
      if (!this.vault) errors.push({ field: 'privateDetails', message: NOT_CONFIGURED });
      if (errors.length) throw new DomainValidationError(errors);
      const details = Object.fromEntries(Object.entries(privateDetails as Record<string, unknown>).filter(([, v]) => v !== undefined));
      plan.personalData = { personId: String(data.personId), details };
    }
    return { data: rest, plan };
  }

  /** The decided events with their confidential parts sealed: what the log will hold. */
  async seal(events: EventForAppend[], plan: SealPlan, streamId: string): Promise<EventForAppend[]> {
    if (!plan.source && !plan.personalData) return events;
    const vault = this.requireVault();
    const sourceKey = plan.source ? await vault.keyFor({ type: 'source', id: plan.source.sourceId }) : undefined;
    const personKey = plan.personalData ? await vault.keyFor({ type: 'person', id: plan.personalData.personId }) : undefined;
    return events.map((event, index) => {
      const metadata = { ...event.metadata };
      if (plan.source && sourceKey) {
        const { publisher, ...citation } = metadata.source;
        const shown = Object.fromEntries(Object.entries(citation).filter(([f]) => f !== 'publisher' && (PUBLIC_SOURCE_FIELDS as readonly string[]).includes(f)));
        const sealed = Object.fromEntries(Object.entries(citation).filter(([f]) => !(PUBLIC_SOURCE_FIELDS as readonly string[]).includes(f)));
        if (plan.source.withholdPublisher) sealed.publisher = publisher;
        const confidential: ConfidentialSourceSeal = {
          label: CONFIDENTIAL_SOURCE_LABEL,
          sourceId: plan.source.sourceId,
          ...sealJson(sourceKey.keyId, sourceKey.key, sealed, sourceAssociatedData(metadata.eventId)),
        };
        metadata.source = { publisher: plan.source.withholdPublisher ? CONFIDENTIAL_SOURCE_LABEL : publisher, ...shown, confidential };
      }
      if (plan.personalData && personKey && index === 0) {
        metadata.personalData = { label: PERSONAL_DATA_LABEL, ...sealJson(personKey.keyId, personKey.key, plan.personalData.details, personalDataAssociatedData(streamId, metadata.eventId)) };
      }
      return { ...event, metadata };
    });
  }

  /** Destroys the person's data keys; answers their ids. */
  async erasePerson(personId: string): Promise<string[]> {
    return this.requireVault().destroy({ type: 'person', id: personId });
  }

  /** History entries as `role` may read them: sealed parts opened, or shown as their label. */
  async openEntries<E extends Pick<HistoryEntry, 'eventId' | 'streamId' | 'source' | 'personalData'>>(entries: E[], role: Role): Promise<E[]> {
    if (!ROLES_READING_SEALED.includes(role)) {
      return entries.map((entry) => withSealedParts(entry, entry.source && publicSource(entry.source as SourceCitation), entry.personalData && { label: PERSONAL_DATA_LABEL }));
    }
    const keyIds = entries.flatMap((entry) => [(entry.source as SourceCitation | undefined)?.confidential?.keyId, (entry.personalData as SealedPersonalData | undefined)?.keyId].filter((id): id is string => !!id));
    if (keyIds.length === 0) return entries;
    const { keys, unopenable } = this.vault ? await this.vault.open(keyIds) : { keys: new Map<string, Buffer>(), unopenable: new Set(keyIds) };
    const openWith = <T>(sealed: { keyId?: string; iv?: string; ciphertext?: string }, aad: string): { value?: T; erased?: true; unreadable?: true } => {
      const key = sealed.keyId ? keys.get(sealed.keyId) : undefined;
      if (!key || sealed.iv === undefined || sealed.ciphertext === undefined) return sealed.keyId && unopenable.has(sealed.keyId) ? { unreadable: true } : { erased: true };
      try {
        return { value: openJson<T>(key, { iv: sealed.iv, ciphertext: sealed.ciphertext }, aad) };
      } catch {
        return { unreadable: true };
      }
    };
    return entries.map((entry) => {
      const source = entry.source as SourceCitation | undefined;
      let shownSource: unknown = source;
      if (source?.confidential) {
        const { value, ...why } = openWith<Partial<SourceCitation>>(source.confidential, sourceAssociatedData(entry.eventId));
        const opened: OpenedConfidentialSource = {
          ...(publicSource(source) as Omit<SourceCitation, 'confidential'>),
          ...(value ?? {}),
          confidential: { label: CONFIDENTIAL_SOURCE_LABEL, ...(source.confidential.sourceId ? { sourceId: source.confidential.sourceId } : {}), ...why },
        };
        shownSource = opened;
      }
      const personal = entry.personalData as SealedPersonalData | undefined;
      let shownPersonal: OpenedPersonalData | undefined;
      if (personal) {
        const { value, ...why } = openWith<Record<string, unknown>>(personal, personalDataAssociatedData(entry.streamId, entry.eventId));
        shownPersonal = { label: PERSONAL_DATA_LABEL, ...(value ? { details: value } : {}), ...why };
      }
      return withSealedParts(entry, shownSource, shownPersonal);
    });
  }

  private requireVault(): KeyVault {
    if (!this.vault) throw new DomainValidationError([{ field: 'source.confidential', message: NOT_CONFIGURED }]);
    return this.vault;
  }
}

function withSealedParts<E extends Pick<HistoryEntry, 'source' | 'personalData'>>(entry: E, source: unknown, personalData: unknown): E {
  const shown = { ...entry, source };
  if (personalData === undefined) delete shown.personalData;
  else shown.personalData = personalData;
  return shown;
}
