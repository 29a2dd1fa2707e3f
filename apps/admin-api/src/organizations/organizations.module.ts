import { Module } from '@nestjs/common';
import { EditingModule } from '../editing/editing.module.js';
import { OrganizationsController } from './organizations.controller.js';

@Module({ imports: [EditingModule], controllers: [OrganizationsController] })
export class OrganizationsModule {}
