import { randomUUID } from 'node:crypto';
import { Body, Controller, Patch, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { WorkMoveCommand } from '../../../../libs/domain/src/index.js';
import type { CommandOutcome } from '../editing/command-outcome.js';
import { MoveWorkFact } from '../editing/move-work-fact.js';
import { WriteContext, type CommandContext } from '../shared/command-context.js';
import { CreateEndpoint, EditEndpoint, EditorialGateway, UuidParam, UuidPath } from '../shared/edit-endpoint.js';
import { MergeableEditorialResource } from '../shared/editorial-resource.js';
import {
  AddCompanyCreditDto,
  AddTitleDto,
  AttachTalentDto,
  CancelReleaseDto,
  ChangeWorkStatusDto,
  DetachTalentDto,
  EndCompanyCreditDto,
  MarkReleaseOccurredDto,
  MoveCompanyCreditDto,
  MoveTalentAttachmentDto,
  RecordMilestoneDto,
  RegisterWorkDto,
  RelateWorkDto,
  RescheduleReleaseDto,
  ScheduleReleaseDto,
  SetPrimaryTitleDto,
  UpdateWorkDetailsDto,
} from './dto/work-requests.dto.js';

type Response = { header(name: string, value: string): unknown };

/** Works (films and series, "projects" on the desk): every edit is a command recorded as events on `work-<id>`. */
@ApiTags('works')
@Controller('works')
export class WorksController extends MergeableEditorialResource('work', 'workId', 'Work') {
  constructor(
    gateway: EditorialGateway,
    private readonly commandBus: CommandBus,
  ) {
    super(gateway);
  }

  @Post()
  @CreateEndpoint('Register a work with its titles, countries and initial status', 'work')
  @ApiResponse({
    status: 409,
    description:
      'A title closely matches a live work of the same kind and original language whose production year is the same or unknown: problem+json /problems/possible-duplicate with `candidates` (id, title, matchedTitle, similarity, href); send again with `distinctFrom` listing the candidates that are a different work (a namesake, a remake). Also: the id already exists (/problems/already-exists)',
  })
  register(@Body() body: RegisterWorkDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.gateway.send('work', 'RegisterWork', { ...body, workId: body.workId ?? randomUUID() }, context, response, { created: true });
  }

  @Patch(':workId')
  @EditEndpoint('Update details with new information (use corrections to fix wrong ones)')
  @UuidPath('workId')
  update(@UuidParam('workId') workId: string, @Body() body: UpdateWorkDetailsDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('UpdateWorkDetails', workId, body, context, response);
  }

  @Post(':workId/titles')
  @EditEndpoint(
    'Add a title (another language, a working title, a release title); with primary: true it becomes the primary title and the one that was is demoted to an alternate title, named in the answer (demoted)',
    { adds: ['title'] },
  )
  @UuidPath('workId')
  addTitle(@UuidParam('workId') workId: string, @Body() body: AddTitleDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AddTitle', workId, body, context, response);
  }

  @Post(':workId/primary-title')
  @EditEndpoint('Make one of the titles the primary one; the one that was primary stays as an alternate title and is named in the answer (demoted)')
  @UuidPath('workId')
  setPrimaryTitle(@UuidParam('workId') workId: string, @Body() body: SetPrimaryTitleDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('SetPrimaryTitle', workId, body, context, response);
  }

  @Post(':workId/relations')
  @EditEndpoint('Relate the work to another: remake-of, localized-version-of, adaptation-of, …', { adds: ['relation'] })
  @UuidPath('workId')
  relate(@UuidParam('workId') workId: string, @Body() body: RelateWorkDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('RelateWork', workId, body, context, response);
  }

  @Post(':workId/status-changes')
  @EditEndpoint('Move the work along its lifecycle; an illegal transition is a 422 listing the allowed ones', { adds: ['status-change'] })
  @UuidPath('workId')
  changeStatus(@UuidParam('workId') workId: string, @Body() body: ChangeWorkStatusDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('ChangeWorkStatus', workId, body, context, response);
  }

  @Post(':workId/credits')
  @EditEndpoint('Credit a company (producer, co-producer, distributor, …) with its country', { adds: ['company-credit'] })
  @UuidPath('workId')
  addCredit(@UuidParam('workId') workId: string, @Body() body: AddCompanyCreditDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AddCompanyCredit', workId, body, context, response);
  }

  @Post(':workId/credits/:creditId/end')
  @EditEndpoint("End a company's involvement")
  @UuidPath('workId')
  @UuidPath('creditId')
  endCredit(
    @UuidParam('workId') workId: string,
    @UuidParam('creditId') creditId: string,
    @Body() body: EndCompanyCreditDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.send('EndCompanyCredit', workId, body, context, response, { creditId });
  }

  @Post(':workId/credits/:creditId/move')
  @EditEndpoint('Correction: the credit belongs to another work; moves it in one step (both works change together); factId is the credit on the target work', { adds: ['company-credit'] })
  @UuidPath('workId')
  @UuidPath('creditId')
  moveCredit(
    @UuidParam('workId') workId: string,
    @UuidParam('creditId') creditId: string,
    @Body() body: MoveCompanyCreditDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.move({ type: 'MoveCompanyCredit', data: { ...body, workId, creditId } } as WorkMoveCommand, context, response);
  }

  @Post(':workId/attachments')
  @EditEndpoint('Attach talent: director, writer, cast, producer', { adds: ['talent-attachment'] })
  @UuidPath('workId')
  attach(@UuidParam('workId') workId: string, @Body() body: AttachTalentDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('AttachTalent', workId, body, context, response);
  }

  @Post(':workId/attachments/:attachmentId/detach')
  @EditEndpoint('Detach talent (kept in the history with the reason)')
  @UuidPath('workId')
  @UuidPath('attachmentId')
  detach(
    @UuidParam('workId') workId: string,
    @UuidParam('attachmentId') attachmentId: string,
    @Body() body: DetachTalentDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.send('DetachTalent', workId, body, context, response, { attachmentId });
  }

  @Post(':workId/attachments/:attachmentId/move')
  @EditEndpoint('Correction: the attachment belongs to another work; moves it in one step; factId is the attachment on the target work', { adds: ['talent-attachment'] })
  @UuidPath('workId')
  @UuidPath('attachmentId')
  moveAttachment(
    @UuidParam('workId') workId: string,
    @UuidParam('attachmentId') attachmentId: string,
    @Body() body: MoveTalentAttachmentDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.move({ type: 'MoveTalentAttachment', data: { ...body, workId, attachmentId } } as WorkMoveCommand, context, response);
  }

  @Post(':workId/releases')
  @EditEndpoint('Schedule (or record) a release in a territory', { adds: ['release'] })
  @UuidPath('workId')
  scheduleRelease(@UuidParam('workId') workId: string, @Body() body: ScheduleReleaseDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('ScheduleRelease', workId, body, context, response);
  }

  @Post(':workId/releases/:releaseId/reschedule')
  @EditEndpoint('Move a release to another date')
  @UuidPath('workId')
  @UuidPath('releaseId')
  reschedule(
    @UuidParam('workId') workId: string,
    @UuidParam('releaseId') releaseId: string,
    @Body() body: RescheduleReleaseDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.send('RescheduleRelease', workId, body, context, response, { releaseId });
  }

  @Post(':workId/releases/:releaseId/occurred')
  @EditEndpoint('Mark a scheduled release as having happened')
  @UuidPath('workId')
  @UuidPath('releaseId')
  releaseOccurred(
    @UuidParam('workId') workId: string,
    @UuidParam('releaseId') releaseId: string,
    @Body() body: MarkReleaseOccurredDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.send('MarkReleaseOccurred', workId, body, context, response, { releaseId });
  }

  @Post(':workId/releases/:releaseId/cancel')
  @EditEndpoint('Cancel a scheduled release')
  @UuidPath('workId')
  @UuidPath('releaseId')
  cancelRelease(
    @UuidParam('workId') workId: string,
    @UuidParam('releaseId') releaseId: string,
    @Body() body: CancelReleaseDto,
    @WriteContext() context: CommandContext,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.send('CancelRelease', workId, body, context, response, { releaseId });
  }

  @Post(':workId/milestones')
  @EditEndpoint('Record a dated milestone (rights acquired, script, casting, …) with its precision', { adds: ['milestone'] })
  @UuidPath('workId')
  recordMilestone(@UuidParam('workId') workId: string, @Body() body: RecordMilestoneDto, @WriteContext() context: CommandContext, @Res({ passthrough: true }) response: Response) {
    return this.send('RecordMilestone', workId, body, context, response);
  }

  private async move(command: WorkMoveCommand, context: CommandContext, response: Response) {
    const outcome = await this.commandBus.execute<MoveWorkFact, CommandOutcome>(new MoveWorkFact(command, context));
    return this.gateway.answer(outcome, response);
  }
}
