import { Module } from '@nestjs/common';
import { GetHistoryFeedHandler } from './history-feed.js';
import { HistoryController } from './history.controller.js';

/** GET /history: the auditors' global feed. */
@Module({ controllers: [HistoryController], providers: [GetHistoryFeedHandler] })
export class HistoryModule {}
