import { Global, Module, type DynamicModule } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/database.module.js';
import { Confidentiality } from './confidentiality.js';
import { KeyVault } from './key-vault.js';

/** Sealing and opening confidential sources and personal data; without a key-encryption key, nothing is sealed. */
@Global()
@Module({})
export class ConfidentialModule {
  static forRoot(keyEncryptionKey: Buffer | undefined): DynamicModule {
    return {
      module: ConfidentialModule,
      providers: [...(keyEncryptionKey ? [{ provide: KeyVault, inject: [PG_POOL], useFactory: (pool: pg.Pool) => new KeyVault(pool, keyEncryptionKey) }] : []), Confidentiality],
      exports: [Confidentiality],
    };
  }
}
