import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CallerRole } from '../auth/principal.js';
import type { Role } from '../config/app-config.js';
import { Confidentiality } from '../confidential/confidentiality.js';
import { ReadEndpoint } from '../shared/edit-endpoint.js';
import { GetHistoryFeed, type HistoryFeedPage } from './history-feed.js';
import { HistoryFeedQuery } from './history-feed.query.js';

const ORIGINAL = '0f6b1f3e-2c1d-4b8a-9d7e-1a2b3c4d5e6f';
const CORRECTION = '7d0c5a2e-8b3f-4c1a-a9e8-6f5d4c3b2a10';

/** What one page looks like: a credit correction, naming the credit it fixed and the event that had stated it. */
export const HISTORY_FEED_EXAMPLE = {
  order: 'desc',
  limit: 2,
  nextCursor: '41',
  entries: [
    {
      globalPosition: '42',
      streamId: 'work-5eed0c00-0000-4000-8000-000000000002',
      aggregate: 'work',
      version: 7,
      eventId: CORRECTION,
      type: 'CompanyCreditCorrected',
      schemaVersion: 1,
      recordedAt: '2025-11-25T10:02:11.123Z',
      actor: { id: 'desk-anna', role: 'editor' },
      source: { publisher: 'Korea JoongAng Daily', url: 'https://koreajoongangdaily.joins.com/' },
      note: 'CJ ENM is the co-producer, not the producer',
      correlationId: 'req-7f3a',
      causationId: 'req-7f3a',
      data: { workId: '5eed0c00-0000-4000-8000-000000000002', creditId: 'c1', replacementCreditId: 'c2', replacement: { organizationId: '5eed0a00-0000-4000-8000-000000000001', role: 'co-producer' }, note: '…' },
      hash: '9f2c…',
      correctionChain: {
        fixes: {
          kind: 'correction',
          fact: { streamId: 'work-5eed0c00-0000-4000-8000-000000000002', type: 'company-credit', id: 'c1' },
          replacement: { streamId: 'work-5eed0c00-0000-4000-8000-000000000002', type: 'company-credit', id: 'c2' },
          statedBy: [{ eventId: ORIGINAL, globalPosition: '17', streamId: 'work-5eed0c00-0000-4000-8000-000000000002', type: 'CompanyCreditAdded', recordedAt: '2025-11-24T09:00:00.000Z' }],
          note: 'CJ ENM is the co-producer, not the producer',
        },
        fixedBy: [],
      },
    },
    {
      globalPosition: '17',
      streamId: 'work-5eed0c00-0000-4000-8000-000000000002',
      aggregate: 'work',
      version: 3,
      eventId: ORIGINAL,
      type: 'CompanyCreditAdded',
      schemaVersion: 1,
      recordedAt: '2025-11-24T09:00:00.000Z',
      occurredAt: { date: '2018', precision: 'year' },
      actor: { id: 'desk-anna', role: 'editor' },
      source: { publisher: 'Variety' },
      correlationId: 'req-11b2',
      causationId: 'req-11b2',
      data: { workId: '5eed0c00-0000-4000-8000-000000000002', creditId: 'c1', organizationId: '5eed0a00-0000-4000-8000-000000000001', role: 'producer' },
      hash: '51aa…',
      correctionChain: {
        fixedBy: [{ eventId: CORRECTION, globalPosition: '42', streamId: 'work-5eed0c00-0000-4000-8000-000000000002', type: 'CompanyCreditCorrected', recordedAt: '2025-11-25T10:02:11.123Z', kind: 'correction', note: 'CJ ENM is the co-producer, not the producer', actor: { id: 'desk-anna', role: 'editor' }, source: { publisher: 'CJ ENM', kind: 'press-release' } }],
      },
    },
  ],
};

/** For auditors (and editors): every event of every aggregate, filtered, with its correction chain. */
@ApiTags('history')
@Controller('history')
export class HistoryController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly confidentiality: Confidentiality,
  ) {}

  @Get()
  @ReadEndpoint(
    'The global history feed: every event (who, when in the world and at the desk, why, on which source), filtered by actor, event type, aggregate, stream, ' +
      'recordedAt or occurredAt range and source publisher; confidential sources and personal data opened for editors, auditors and admins and shown as their label to readers; newest first (order=desc) or oldest first (order=asc), paged by global position with nextCursor. ' +
      'Each entry has its correctionChain: `fixes` (for a correction, clarification, retraction or move: the fact and the event(s) that stated it) and ' +
      '`fixedBy` (the later fixes of a fact this event stated or changed). Events stored at an old schema version are shown upcast (storedSchemaVersion says which).',
  )
  @ApiOkResponse({ description: 'One page of history, newest first by default', schema: { example: HISTORY_FEED_EXAMPLE } })
  @ApiResponse({ status: 400, description: 'A filter is malformed (problem+json naming the field), e.g. occurredFrom=2018-13' })
  async feed(@Query() query: HistoryFeedQuery, @CallerRole() role: Role): Promise<HistoryFeedPage> {
    const page = await this.queryBus.execute<GetHistoryFeed, HistoryFeedPage>(new GetHistoryFeed(query));
    return { ...page, entries: await this.confidentiality.openEntries(page.entries, role) };
  }
}
