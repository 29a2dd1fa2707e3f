import { Module } from '@nestjs/common';
import { LogPositions } from './log-positions.js';
import { ReadModelsController } from './read-models.controller.js';

@Module({ controllers: [ReadModelsController], providers: [LogPositions] })
export class ReadModelsModule {}
