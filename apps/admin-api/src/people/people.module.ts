import { Module } from '@nestjs/common';
import { EditingModule } from '../editing/editing.module.js';
import { PeopleController } from './people.controller.js';

@Module({ imports: [EditingModule], controllers: [PeopleController] })
export class PeopleModule {}
