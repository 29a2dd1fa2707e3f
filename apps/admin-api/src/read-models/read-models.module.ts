import { Module } from '@nestjs/common';
import { AsOfReadModels } from './as-of-read-models.js';
import { ReadModelsController } from './read-models.controller.js';

@Module({ controllers: [ReadModelsController], providers: [AsOfReadModels] })
export class ReadModelsModule {}
