import { Module } from '@nestjs/common';
import { ReadModelsController } from './read-models.controller.js';

@Module({ controllers: [ReadModelsController] })
export class ReadModelsModule {}
