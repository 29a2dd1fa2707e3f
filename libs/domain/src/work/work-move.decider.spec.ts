import { AggregateNotFoundError, DomainValidationError, FactSupersededError, RetractedError } from '../shared/errors.js';
import { fold } from '../shared/decider.js';
import { testContext, withMetadata } from '../shared/testing/decider-spec.js';
import type { WorkMoveCommand } from './work.commands.js';
import { workDecider } from './work.decider.js';
import type { WorkEvent } from './work.events.js';
import { decideWorkMove, workMoveStreams } from './work-move.decider.js';
import type { WorkState } from './work.state.js';
import { BETTER_SOURCE, JERRYGOOD, LEE_KWANG_SOO, MOTHER, REMAKE, motherRegistered, remakeRegistered } from './work.fixtures.js';

/** A news brief mixed up two projects: Jerrygood Company and Lee Kwang-soo were credited to the remake by mistake. */
const misfiled: WorkEvent[] = withMetadata<WorkEvent>([
  remakeRegistered(),
  { type: 'CompanyCreditAdded', data: { workId: REMAKE, creditId: 'c-7', organizationId: JERRYGOOD, role: 'producer', country: 'KR' } },
  { type: 'TalentAttached', data: { workId: REMAKE, attachmentId: 'a-7', personId: LEE_KWANG_SOO, role: 'cast', billing: 'lead' } },
]);
const source = (): WorkState => fold(workDecider, misfiled);
const target = (): WorkState => fold(workDecider, withMetadata<WorkEvent>([motherRegistered()]));

const moveCredit = (over: Partial<Extract<WorkMoveCommand, { type: 'MoveCompanyCredit' }>['data']> = {}): WorkMoveCommand => ({
  type: 'MoveCompanyCredit',
  data: { workId: REMAKE, creditId: 'c-7', targetWorkId: MOTHER, note: 'Jerrygood produces Going to Abandon My Mother, not the remake', source: BETTER_SOURCE, ...over },
});

describe('moving a fact between works (one correction, two streams)', () => {
  it('names the two streams the handler must load', () => {
    expect(workMoveStreams(moveCredit())).toEqual({ sourceWorkId: REMAKE, targetWorkId: MOTHER });
  });

  it('MoveCompanyCredit: MovedOut on the source stream and MovedIn on the target, sharing moveId, source and note', () => {
    const [out, into] = decideWorkMove(moveCredit({ targetCreditId: 'c-m1' }), source(), target(), testContext());
    expect(out).toEqual({
      aggregate: 'work',
      streamId: `work-${REMAKE}`,
      events: [
        {
          type: 'CompanyCreditMovedOut',
          data: { workId: REMAKE, creditId: 'c-7', moveId: 'id-1', targetWorkId: MOTHER, targetCreditId: 'c-m1', note: 'Jerrygood produces Going to Abandon My Mother, not the remake' },
          metadata: { eventId: 'id-2', source: BETTER_SOURCE, note: 'Jerrygood produces Going to Abandon My Mother, not the remake' },
        },
      ],
    });
    expect(into.streamId).toBe(`work-${MOTHER}`);
    expect(into.events).toEqual([
      {
        type: 'CompanyCreditMovedIn',
        data: {
          workId: MOTHER,
          creditId: 'c-m1',
          moveId: 'id-1',
          sourceWorkId: REMAKE,
          sourceCreditId: 'c-7',
          organizationId: JERRYGOOD,
          role: 'producer',
          country: 'KR',
          note: 'Jerrygood produces Going to Abandon My Mother, not the remake',
        },
        metadata: { eventId: 'id-3', source: BETTER_SOURCE, note: 'Jerrygood produces Going to Abandon My Mother, not the remake' },
      },
    ]);

    const sourceAfter = out.events.reduce(workDecider.evolve, source());
    const targetAfter = into.events.reduce(workDecider.evolve, target());
    expect(sourceAfter.credits[0]).toMatchObject({ creditId: 'c-7', rank: 'deprecated', supersededBy: { id: 'c-m1', workId: MOTHER } });
    expect(targetAfter.credits[0]).toMatchObject({ creditId: 'c-m1', rank: 'normal', organizationId: JERRYGOOD, movedFrom: { workId: REMAKE, id: 'c-7' } });
    // the moved-out credit cannot be edited on the wrong work any more: the error names where it went
    expect(() => decideWorkMove(moveCredit(), sourceAfter, targetAfter, testContext())).toThrow(FactSupersededError);
  });

  it('MoveCompanyCredit can correct the role on the way', () => {
    const [, into] = decideWorkMove(moveCredit({ changes: { role: 'co-producer' } }), source(), target(), testContext());
    expect(into.events[0]!.data).toMatchObject({ role: 'co-producer', organizationId: JERRYGOOD });
  });

  it('MoveTalentAttachment moves the cast attachment the same way', () => {
    const command: WorkMoveCommand = {
      type: 'MoveTalentAttachment',
      data: { workId: REMAKE, attachmentId: 'a-7', targetWorkId: MOTHER, note: 'Lee Kwang-soo leads the KR–VN co-production', source: BETTER_SOURCE },
    };
    const [out, into] = decideWorkMove(command, source(), target(), testContext());
    expect(out.events.map((e) => e.type)).toEqual(['TalentAttachmentMovedOut']);
    expect(into.events).toEqual([
      expect.objectContaining({
        type: 'TalentAttachmentMovedIn',
        data: { workId: MOTHER, attachmentId: 'id-1', moveId: 'id-2', sourceWorkId: REMAKE, sourceAttachmentId: 'a-7', personId: LEE_KWANG_SOO, role: 'cast', billing: 'lead', note: 'Lee Kwang-soo leads the KR–VN co-production' },
      }),
    ]);
  });

  it('refuses a move to the same work, without a note, to a missing or withdrawn work, or creating a duplicate', () => {
    expect(() => decideWorkMove(moveCredit({ targetWorkId: REMAKE }), source(), source(), testContext())).toThrow(DomainValidationError);
    expect(() => decideWorkMove(moveCredit({ note: '' }), source(), target(), testContext())).toThrow(DomainValidationError);
    expect(() => decideWorkMove(moveCredit(), source(), workDecider.initialState(), testContext())).toThrow(AggregateNotFoundError);
    const withdrawn = withMetadata<WorkEvent>([{ type: 'WorkRetracted', data: { workId: MOTHER, note: 'hoax' } }]).reduce(workDecider.evolve, target());
    expect(() => decideWorkMove(moveCredit(), source(), withdrawn, testContext())).toThrow(RetractedError);
    const alreadyThere = withMetadata<WorkEvent>([{ type: 'CompanyCreditAdded', data: { workId: MOTHER, creditId: 'c-1', organizationId: JERRYGOOD, role: 'producer' } }]).reduce(
      workDecider.evolve,
      target(),
    );
    expect(() => decideWorkMove(moveCredit(), source(), alreadyThere, testContext())).toThrow(DomainValidationError);
  });

  it('refuses to move a detached attachment', () => {
    const detached = withMetadata<WorkEvent>([{ type: 'TalentDetached', data: { workId: REMAKE, attachmentId: 'a-7', reason: 'left' } }]).reduce(workDecider.evolve, source());
    const command: WorkMoveCommand = { type: 'MoveTalentAttachment', data: { workId: REMAKE, attachmentId: 'a-7', targetWorkId: MOTHER, note: 'x', source: BETTER_SOURCE } };
    expect(() => decideWorkMove(command, detached, target(), testContext())).toThrow(DomainValidationError);
  });
});
