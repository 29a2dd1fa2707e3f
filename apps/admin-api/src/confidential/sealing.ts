import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SealedDetails } from '../../../../libs/contracts/src/envelope.js';

/**
 * AES-256-GCM with a random 96-bit IV per message and associated data naming where the ciphertext belongs, so a sealed
 * value copied into another event (or a wrapped key into another row) does not open.
 */
export const ALGORITHM = 'AES-256-GCM' as const;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function encrypt(key: Buffer, plaintext: Buffer, associatedData: string): { iv: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { iv, ciphertext };
}

/** Throws when the key, the associated data or a single byte is wrong (GCM's tag). */
export function decrypt(key: Buffer, iv: Buffer, ciphertextAndTag: Buffer, associatedData: string): Buffer {
  if (ciphertextAndTag.length < TAG_BYTES) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(ciphertextAndTag.subarray(ciphertextAndTag.length - TAG_BYTES));
  return Buffer.concat([decipher.update(ciphertextAndTag.subarray(0, ciphertextAndTag.length - TAG_BYTES)), decipher.final()]);
}

/** Seals a JSON value under a data key. */
export function sealJson(keyId: string, key: Buffer, value: unknown, associatedData: string): SealedDetails {
  const { iv, ciphertext } = encrypt(key, Buffer.from(JSON.stringify(value), 'utf8'), associatedData);
  return { keyId, algorithm: ALGORITHM, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64') };
}

export function openJson<T>(key: Buffer, sealed: Pick<SealedDetails, 'iv' | 'ciphertext'>, associatedData: string): T {
  return JSON.parse(decrypt(key, Buffer.from(sealed.iv, 'base64'), Buffer.from(sealed.ciphertext, 'base64'), associatedData).toString('utf8')) as T;
}

/** Associated data of a confidential source's details: the event they were recorded with. */
export const sourceAssociatedData = (eventId: string) => `reelwire/confidential-source/v1 event=${eventId}`;
/** Associated data of personal data: the person's stream and the event. */
export const personalDataAssociatedData = (streamId: string, eventId: string) => `reelwire/personal-data/v1 stream=${streamId} event=${eventId}`;
/** Associated data of a wrapped data key: its id and scope, so a row's key cannot be moved to another row. */
export const dataKeyAssociatedData = (keyId: string, scopeType: string, scopeId: string) => `reelwire/data-key/v1 key=${keyId} scope=${scopeType}:${scopeId}`;

/** Names a key-encryption key without revealing it: the first 8 hex digits of its SHA-256. */
export function keyEncryptionKeyId(kek: Buffer): string {
  return createHash('sha256').update(kek).digest('hex').slice(0, 8);
}
