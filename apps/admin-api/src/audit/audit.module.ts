import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';

/** GET /audit/chain: chain verification over HTTP, for auditors. */
@Module({ controllers: [AuditController] })
export class AuditModule {}
