import { toLogger } from '../logger.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { OffsetsStore } from '../storage/offsets-store.js';
import { waitFor } from '../testing/wait-for.js';
import { GroupCoordinator, type JoinGroupRequest } from './group-coordinator.js';

const logger = toLogger(undefined);

describe('GroupCoordinator', () => {
  let offsets: OffsetsStore;
  let coordinator: GroupCoordinator;

  const create = (initialRebalanceDelayMs = 0): GroupCoordinator =>
    new GroupCoordinator({ minSessionTimeoutMs: 10, maxSessionTimeoutMs: 60_000, initialRebalanceDelayMs, logger }, offsets);

  const join = (memberId = '', overrides: Partial<JoinGroupRequest> = {}): ReturnType<GroupCoordinator['join']> =>
    coordinator.join({
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from(memberId || 'new') }],
      clientId: 'client',
      clientHost: '/127.0.0.1',
      ...overrides,
    });

  const settled = <T>(promise: Promise<T>): { done: boolean; value?: T } => {
    const state: { done: boolean; value?: T } = { done: false };
    void promise.then((value) => {
      state.done = true;
      state.value = value;
    });
    return state;
  };

  /** One member, joined and synced: generation 1, Stable. */
  const stableSingle = async (): Promise<string> => {
    const joined = await join();
    const synced = await coordinator.sync('g', joined.generationId, joined.memberId, new Map([[joined.memberId, Buffer.from('all')]]));
    expect(synced).toEqual({ errorCode: ErrorCode.NONE, assignment: Buffer.from('all') });
    return joined.memberId;
  };

  beforeEach(() => {
    offsets = OffsetsStore.inMemory(logger);
    coordinator = create();
  });

  afterEach(() => coordinator.stop());

  it('completes a lone member\'s join at once, makes it leader, and settles on its assignment', async () => {
    const joined = await join();
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'range' });
    expect(joined.leaderId).toBe(joined.memberId);
    expect(joined.members.map((m) => m.memberId)).toEqual([joined.memberId]);
    expect(coordinator.describe('g').state).toBe('CompletingRebalance');
    await coordinator.sync('g', 1, joined.memberId, new Map());
    expect(coordinator.describe('g')).toMatchObject({ state: 'Stable', protocol: 'range', members: [{ memberId: joined.memberId }] });
  });

  it('holds a newcomer\'s join until the existing member rejoins, then starts one generation for both', async () => {
    const first = await stableSingle();
    const second = settled(join());
    await Promise.resolve();
    expect(second.done).toBe(false);
    expect(coordinator.describe('g').state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat('g', 1, first)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const leader = await join(first);
    await waitFor(() => second.done, 'the second join to complete');
    expect(leader).toMatchObject({ errorCode: 0, generationId: 2, leaderId: first });
    expect(leader.members).toHaveLength(2);
    expect(second.value).toMatchObject({ errorCode: 0, generationId: 2, leaderId: first, members: [] });

    const follower = second.value!.memberId;
    const followerSync = settled(coordinator.sync('g', 2, follower, new Map()));
    await Promise.resolve();
    expect(followerSync.done).toBe(false);
    await coordinator.sync('g', 2, first, new Map([[follower, Buffer.from('half')]]));
    await waitFor(() => followerSync.done, 'the follower sync');
    expect(followerSync.value).toEqual({ errorCode: 0, assignment: Buffer.from('half') });
    expect(coordinator.heartbeat('g', 1, follower)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat('g', 2, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('g', 2, follower)).toBe(ErrorCode.NONE);
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const first = await join('', { rebalanceTimeoutMs: 150 });
    await coordinator.sync('g', 1, first.memberId, new Map());
    const started = Date.now();
    const newcomer = await join('', { rebalanceTimeoutMs: 150 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(newcomer).toMatchObject({ errorCode: 0, generationId: 2 });
    expect(newcomer.leaderId).toBe(newcomer.memberId);
    expect(coordinator.heartbeat('g', 2, first.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member whose session times out and makes the others rejoin', async () => {
    const a = await join('', { sessionTimeoutMs: 100 });
    const b = settled(join('', { sessionTimeoutMs: 5000 }));
    await join(a.memberId, { sessionTimeoutMs: 100 });
    await waitFor(() => b.done, 'b to join');
    const bId = b.value!.memberId;
    await Promise.all([coordinator.sync('g', 2, bId, new Map()), coordinator.sync('g', 2, a.memberId, new Map())]);
    // only b heartbeats: a expires, and b is told to rejoin
    await waitFor(() => coordinator.heartbeat('g', 2, bId) === ErrorCode.REBALANCE_IN_PROGRESS, 'a to expire', 5000, 10);
    expect(coordinator.describe('g').members.map((m) => m.memberId)).toEqual([bId]);
    const rejoined = await join(bId, { sessionTimeoutMs: 5000 });
    expect(rejoined).toMatchObject({ generationId: 3, leaderId: bId });
  });

  it('returns the group to Empty when the last member leaves, and forgets it when nothing was committed', async () => {
    const member = await stableSingle();
    expect(coordinator.leave('g', member)).toBe(ErrorCode.NONE);
    expect(coordinator.describe('g').state).toBe('Dead');
    expect(coordinator.leave('g', member)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('keeps a group with committed offsets as Empty, where only generation −1 commits are allowed', async () => {
    const member = await stableSingle();
    expect(coordinator.checkCommit('g', 1, member)).toBe(ErrorCode.NONE);
    expect(coordinator.checkCommit('g', 7, member)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.checkCommit('g', -1, '')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    offsets.commit('g', [{ topic: 't', partition: 0, offset: 5, metadata: null }]);
    coordinator.leave('g', member);
    expect(coordinator.describe('g')).toMatchObject({ state: 'Empty', protocolType: 'consumer', members: [] });
    expect(coordinator.checkCommit('g', -1, '')).toBe(ErrorCode.NONE);
    expect(coordinator.checkCommit('other', -1, '')).toBe(ErrorCode.NONE);
    expect(coordinator.checkCommit('', -1, '')).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(coordinator.list()).toEqual([{ groupId: 'g', protocolType: 'consumer' }]);
    expect(coordinator.delete('g')).toBe(ErrorCode.NONE);
    expect(coordinator.describe('g').state).toBe('Dead');
    expect(coordinator.delete('g')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('refuses members without a protocol in common, and picks one every member supports', async () => {
    const kafkajs = await join('', { protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] });
    const librdkafka = await join('', { protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    expect(librdkafka.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const both = settled(
      join('', {
        protocols: [
          { name: 'range', metadata: Buffer.alloc(0) },
          { name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) },
        ],
      }),
    );
    await join(kafkajs.memberId, { protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.alloc(0) }] });
    await waitFor(() => both.done, 'the second member to join');
    expect(both.value).toMatchObject({ errorCode: 0, protocolName: 'RoundRobinAssigner' });
    expect((await join('', { protocolType: 'connect' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('answers SyncGroup and Heartbeat errors by state, and rejects bad session timeouts and unknown members', async () => {
    expect((await join('', { sessionTimeoutMs: 1 })).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await join('ghost')).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await coordinator.sync('g', 1, 'ghost', new Map())).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const first = await stableSingle();
    void join();
    expect((await coordinator.sync('g', 1, first, new Map())).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect((await coordinator.sync('g', 0, first, new Map())).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('lets members that start together land in one generation with an initial rebalance delay', async () => {
    coordinator.stop();
    coordinator = create(100);
    const [a, b] = await Promise.all([join(), join()]);
    expect(a!.generationId).toBe(1);
    expect(b!.generationId).toBe(1);
    expect([a, b].filter((r) => r!.members.length === 2)).toHaveLength(1);
  });
});
