import { Module } from '@nestjs/common';
import { EditingModule } from '../editing/editing.module.js';
import { DealsController } from './deals.controller.js';

@Module({ imports: [EditingModule], controllers: [DealsController] })
export class DealsModule {}
