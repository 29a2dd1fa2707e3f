import { Module } from '@nestjs/common';
import { GetAggregateHandler, GetAggregateHistoryHandler } from '../reading/aggregate-queries.js';
import { EditorialGateway } from '../shared/edit-endpoint.js';
import { ExecuteDomainCommandHandler } from './execute-command.js';
import { FirstAnswers } from './first-answers.js';
import { LikelyDuplicates } from './likely-duplicates.js';
import { MergeRecordsHandler } from './merge-records.js';
import { MoveWorkFactHandler } from './move-work-fact.js';
import { StreamTurns } from './stream-turns.js';

/** The command and query handlers every aggregate's controller uses. */
@Module({
  providers: [StreamTurns, FirstAnswers, LikelyDuplicates, ExecuteDomainCommandHandler, MoveWorkFactHandler, MergeRecordsHandler, GetAggregateHandler, GetAggregateHistoryHandler, EditorialGateway],
  exports: [EditorialGateway],
})
export class EditingModule {}
