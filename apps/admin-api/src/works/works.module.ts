import { Module } from '@nestjs/common';
import { EditingModule } from '../editing/editing.module.js';
import { WorksController } from './works.controller.js';

@Module({ imports: [EditingModule], controllers: [WorksController] })
export class WorksModule {}
