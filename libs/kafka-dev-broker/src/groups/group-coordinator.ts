import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';
import type { Logger } from '../logger.js';
import type { OffsetsStore } from '../storage/offsets-store.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly memberId: string;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
  readonly clientId: string;
  readonly clientHost: string;
}

export interface JoinGroupResult {
  readonly errorCode: number;
  readonly generationId: number;
  readonly protocolName: string;
  readonly leaderId: string;
  readonly memberId: string;
  readonly members: ReadonlyArray<{ memberId: string; metadata: Buffer }>;
}

export interface SyncGroupResult {
  readonly errorCode: number;
  readonly assignment: Buffer;
}

export interface GroupDescription {
  readonly errorCode: number;
  readonly groupId: string;
  readonly state: GroupState;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: ReadonlyArray<{
    memberId: string;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }>;
}

export interface GroupCoordinatorOptions {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** Kafka's group.initial.rebalance.delay.ms: lets members that start together land in one generation. */
  readonly initialRebalanceDelayMs: number;
  readonly logger: Logger;
}

const EMPTY = Buffer.alloc(0);
/** setTimeout's limit; longer client-supplied timeouts are clamped. */
const MAX_TIMER_MS = 2_147_483_647;

class Member {
  assignment: Buffer = EMPTY;
  pendingJoin: ((result: JoinGroupResult) => void) | null = null;
  pendingSync: ((result: SyncGroupResult) => void) | null = null;
  lastSeen = Date.now();
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    public clientId: string,
    public clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocolType: string,
    public protocols: readonly GroupProtocol[],
  ) {}

  supports(name: string): boolean {
    return this.protocols.some((protocol) => protocol.name === name);
  }

  metadataFor(name: string | null): Buffer {
    return this.protocols.find((protocol) => protocol.name === name)?.metadata ?? EMPTY;
  }
}

class Group {
  state: GroupState = 'Empty';
  generation = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  initialDelayTimer: NodeJS.Timeout | null = null;
  initialDelayStarted = 0;

  constructor(readonly id: string) {}
}

/**
 * The consumer-group coordinator (docs §4), a single-node version of Kafka's GroupCoordinator:
 * Empty → PreparingRebalance → CompletingRebalance → Stable, with a real join barrier (every JoinGroup response
 * is held until all known members rejoined or the largest rebalance timeout expired) and per-member session
 * timeouts. Offsets are kept by the OffsetsStore; a group exists while it has members or committed offsets.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private stopped = false;

  constructor(
    private readonly options: GroupCoordinatorOptions,
    private readonly offsets: OffsetsStore,
  ) {}

  join(request: JoinGroupRequest): Promise<JoinGroupResult> {
    const fail = (errorCode: number): Promise<JoinGroupResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolName: '', leaderId: '', memberId: request.memberId, members: [] });
    if (this.stopped) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (request.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (request.sessionTimeoutMs < this.options.minSessionTimeoutMs || request.sessionTimeoutMs > this.options.maxSessionTimeoutMs) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    let group = this.groups.get(request.groupId);
    if (request.memberId !== '' && !group?.members.has(request.memberId)) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (!group) {
      group = new Group(request.groupId);
      this.groups.set(group.id, group);
    }
    if (!this.protocolsCompatible(group, request)) {
      this.forgetIfUnused(group);
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }

    const rebalanceTimeoutMs = Math.max(request.rebalanceTimeoutMs, 0);
    let member = request.memberId === '' ? undefined : group.members.get(request.memberId);
    const isNew = !member;
    let changed = true;
    if (!member) {
      const memberId = `${request.clientId || 'member'}-${randomUUID()}`;
      member = new Member(
        memberId,
        request.clientId,
        request.clientHost,
        request.sessionTimeoutMs,
        rebalanceTimeoutMs,
        request.protocolType,
        request.protocols,
      );
      group.members.set(memberId, member);
      if (group.protocolType === null || group.members.size === 1) group.protocolType = request.protocolType;
    } else {
      changed = !sameProtocols(member.protocols, request.protocols);
      member.clientId = request.clientId;
      member.clientHost = request.clientHost;
      member.sessionTimeoutMs = request.sessionTimeoutMs;
      member.rebalanceTimeoutMs = rebalanceTimeoutMs;
      member.protocols = request.protocols;
    }
    member.lastSeen = Date.now();

    // A known member rejoining a settled generation without changes gets that generation back (Kafka does the same),
    // so a follower that lost a response does not force everybody through another rebalance.
    if (!isNew && !changed && (group.state === 'CompletingRebalance' || (group.state === 'Stable' && member.id !== group.leaderId))) {
      return Promise.resolve(this.joinResult(group, member));
    }

    const joined = new Promise<JoinGroupResult>((resolve) => {
      if (member.pendingJoin) member.pendingJoin(this.errorJoin(member.id, ErrorCode.REBALANCE_IN_PROGRESS));
      member.pendingJoin = resolve;
    });
    if (group.state === 'PreparingRebalance') {
      if (isNew && group.initialDelayTimer) this.extendInitialDelay(group);
      this.maybeCompleteJoin(group);
    } else {
      this.prepareRebalance(group, isNew ? `member ${member.id} joined` : `member ${member.id} rejoined`);
    }
    return joined;
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: ReadonlyMap<string, Buffer>): Promise<SyncGroupResult> {
    const fail = (errorCode: number): Promise<SyncGroupResult> => Promise.resolve({ errorCode, assignment: EMPTY });
    if (this.stopped) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (generationId !== group.generation) return fail(ErrorCode.ILLEGAL_GENERATION);
    member.lastSeen = Date.now();
    switch (group.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        const synced = new Promise<SyncGroupResult>((resolve) => {
          if (member.pendingSync) member.pendingSync({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
          member.pendingSync = resolve;
        });
        if (member.id === group.leaderId) {
          for (const each of group.members.values()) each.assignment = assignments.get(each.id) ?? EMPTY;
          this.transition(group, 'Stable', `leader ${member.id} sent the assignment`);
          for (const each of group.members.values()) {
            const respond = each.pendingSync;
            each.pendingSync = null;
            each.lastSeen = Date.now();
            respond?.({ errorCode: ErrorCode.NONE, assignment: each.assignment });
          }
        }
        return synced;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    if (this.stopped) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    member.lastSeen = Date.now();
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, `member ${memberId} left`);
    return ErrorCode.NONE;
  }

  /**
   * Whether an OffsetCommit may be stored: by a current member for the current generation (also while the group
   * prepares a rebalance, so members can commit before rejoining), or with generation −1 by a client outside any
   * group (admin tools) while the group has no members.
   */
  checkCommit(groupId: string, generationId: number, memberId: string): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group || group.members.size === 0) {
      return generationId < 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generation) return ErrorCode.ILLEGAL_GENERATION;
    member.lastSeen = Date.now();
    return ErrorCode.NONE;
  }

  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) {
      const known = this.offsets.hasGroup(groupId);
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        state: known ? 'Empty' : 'Dead',
        protocolType: known ? 'consumer' : '',
        protocol: '',
        members: [],
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol: group.state === 'Empty' ? '' : (group.protocolName ?? ''),
      members: [...group.members.values()].map((member) => ({
        memberId: member.id,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: member.metadataFor(group.protocolName),
        assignment: group.state === 'Stable' ? member.assignment : EMPTY,
      })),
    };
  }

  list(): Array<{ groupId: string; protocolType: string }> {
    const listed = new Map<string, string>();
    for (const groupId of this.offsets.groupIds()) listed.set(groupId, 'consumer');
    for (const group of this.groups.values()) listed.set(group.id, group.protocolType ?? 'consumer');
    return [...listed].map(([groupId, protocolType]) => ({ groupId, protocolType }));
  }

  delete(groupId: string): number {
    const group = this.groups.get(groupId);
    if (group && group.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    if (!group && !this.offsets.hasGroup(groupId)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group) {
      this.clearTimers(group);
      this.groups.delete(groupId);
      this.options.logger.debug(`kafka-dev-broker: group ${groupId} ${group.state} → Dead (deleted)`);
    }
    this.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  /** Ends every timer and answers every held request, so a stopping broker leaves nothing pending. */
  stop(): void {
    this.stopped = true;
    for (const group of this.groups.values()) {
      this.clearTimers(group);
      for (const member of group.members.values()) {
        if (member.sessionTimer) clearTimeout(member.sessionTimer);
        member.pendingJoin?.(this.errorJoin(member.id, ErrorCode.COORDINATOR_NOT_AVAILABLE));
        member.pendingSync?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
        member.pendingJoin = null;
        member.pendingSync = null;
      }
    }
    this.groups.clear();
  }

  private protocolsCompatible(group: Group, request: JoinGroupRequest): boolean {
    if (request.protocols.length === 0 || request.protocolType === '') return false;
    const others = [...group.members.values()].filter((member) => member.id !== request.memberId);
    if (others.length === 0) return true;
    if (group.protocolType !== request.protocolType) return false;
    return request.protocols.some((protocol) => others.every((member) => member.supports(protocol.name)));
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        member.pendingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        member.pendingSync = null;
      }
    }
    const wasEmpty = group.state === 'Empty';
    this.transition(group, 'PreparingRebalance', reason);
    this.clearTimers(group);
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      group.initialDelayStarted = Date.now();
      group.initialDelayTimer = setTimeout(this.guarded(() => this.endInitialDelay(group)), this.options.initialRebalanceDelayMs);
      return;
    }
    this.armRebalanceTimer(group);
    this.maybeCompleteJoin(group);
  }

  private extendInitialDelay(group: Group): void {
    const limit = group.initialDelayStarted + this.maxRebalanceTimeout(group);
    const delay = Math.max(0, Math.min(this.options.initialRebalanceDelayMs, limit - Date.now()));
    if (group.initialDelayTimer) clearTimeout(group.initialDelayTimer);
    group.initialDelayTimer = setTimeout(this.guarded(() => this.endInitialDelay(group)), delay);
  }

  private endInitialDelay(group: Group): void {
    group.initialDelayTimer = null;
    this.armRebalanceTimer(group);
    this.maybeCompleteJoin(group);
  }

  private armRebalanceTimer(group: Group): void {
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = setTimeout(
      this.guarded(() => {
        group.rebalanceTimer = null;
        if (group.state === 'PreparingRebalance') this.completeJoin(group, true);
      }),
      Math.min(this.maxRebalanceTimeout(group), MAX_TIMER_MS),
    );
  }

  private maxRebalanceTimeout(group: Group): number {
    let max = 0;
    for (const member of group.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }

  private maybeCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance' || group.initialDelayTimer) return;
    for (const member of group.members.values()) if (!member.pendingJoin) return;
    this.completeJoin(group, false);
  }

  /** Ends the join barrier: drops members that did not rejoin in time, starts the next generation, answers the joins. */
  private completeJoin(group: Group, timedOut: boolean): void {
    this.clearTimers(group);
    if (timedOut) {
      for (const member of [...group.members.values()]) {
        if (!member.pendingJoin) {
          this.options.logger.debug(`kafka-dev-broker: group ${group.id}: member ${member.id} did not rejoin within the rebalance timeout`);
          this.dropMember(group, member);
        }
      }
    }
    group.generation++;
    if (group.members.size === 0) {
      group.protocolName = null;
      group.leaderId = null;
      this.transition(group, 'Empty', 'no members left');
      this.forgetIfUnused(group);
      return;
    }
    const members = [...group.members.values()];
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = members[0]!.id;
    group.protocolName = this.chooseProtocol(group, members);
    this.transition(group, 'CompletingRebalance', `generation ${group.generation} with ${members.length} member(s)`);
    for (const member of members) {
      const respond = member.pendingJoin;
      member.pendingJoin = null;
      member.lastSeen = Date.now();
      this.armSessionTimer(group, member);
      respond?.(this.joinResult(group, member));
    }
  }

  /** The protocol most members list first among those every member supports (Kafka's vote); ties go to the leader's order. */
  private chooseProtocol(group: Group, members: Member[]): string {
    const leader = group.members.get(group.leaderId!)!;
    const candidates = leader.protocols.map((protocol) => protocol.name).filter((name) => members.every((m) => m.supports(name)));
    const votes = new Map<string, number>();
    for (const member of members) {
      const vote = member.protocols.find((protocol) => candidates.includes(protocol.name))?.name;
      if (vote) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best = candidates[0]!;
    for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  private joinResult(group: Group, member: Member): JoinGroupResult {
    const isLeader = member.id === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generation,
      protocolName: group.protocolName ?? '',
      leaderId: group.leaderId ?? '',
      memberId: member.id,
      members: isLeader
        ? [...group.members.values()].map((each) => ({ memberId: each.id, metadata: each.metadataFor(group.protocolName) }))
        : [],
    };
  }

  private errorJoin(memberId: string, errorCode: number): JoinGroupResult {
    return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
  }

  /**
   * Session timeouts are checked lazily: the timer fires at the earliest possible expiry and re-arms itself while
   * heartbeats keep arriving. A member held at the join or sync barrier cannot heartbeat and is never expired there.
   */
  private armSessionTimer(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    const remaining = member.lastSeen + member.sessionTimeoutMs - Date.now();
    member.sessionTimer = setTimeout(this.guarded(() => {
      member.sessionTimer = null;
      if (this.stopped || group.members.get(member.id) !== member) return;
      if (member.pendingJoin || member.pendingSync || Date.now() - member.lastSeen < member.sessionTimeoutMs) {
        if (member.pendingJoin || member.pendingSync) member.lastSeen = Date.now();
        this.armSessionTimer(group, member);
        return;
      }
      this.removeMember(group, member, `member ${member.id} session timed out after ${member.sessionTimeoutMs} ms`);
    }), Math.min(Math.max(remaining, 1), MAX_TIMER_MS));
  }

  /** Timer callbacks run outside any request: an exception there would end the process, so it is logged instead. */
  private guarded(callback: () => void): () => void {
    return () => {
      try {
        callback();
      } catch (error) {
        this.options.logger.error(`kafka-dev-broker: group coordinator timer failed: ${(error as Error)?.stack ?? String(error)}`);
      }
    };
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    this.dropMember(group, member);
    if (group.state === 'PreparingRebalance') {
      this.options.logger.debug(`kafka-dev-broker: group ${group.id}: ${reason}`);
      this.maybeCompleteJoin(group);
    } else if (group.state === 'Stable' || group.state === 'CompletingRebalance') {
      this.prepareRebalance(group, reason);
    }
  }

  private dropMember(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    member.pendingJoin?.(this.errorJoin(member.id, ErrorCode.UNKNOWN_MEMBER_ID));
    member.pendingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.pendingJoin = null;
    member.pendingSync = null;
    group.members.delete(member.id);
  }

  private clearTimers(group: Group): void {
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    if (group.initialDelayTimer) clearTimeout(group.initialDelayTimer);
    group.rebalanceTimer = null;
    group.initialDelayTimer = null;
  }

  /** An Empty group without committed offsets is Dead: forget it (describe then reports Dead). */
  private forgetIfUnused(group: Group): void {
    if (group.members.size === 0 && group.state === 'Empty' && !this.offsets.hasGroup(group.id)) {
      this.clearTimers(group);
      if (this.groups.get(group.id) === group) this.groups.delete(group.id);
    }
  }

  private transition(group: Group, next: GroupState, reason: string): void {
    if (group.state === next) return;
    this.options.logger.debug(
      `kafka-dev-broker: group ${group.id} ${group.state} → ${next} (generation ${group.generation}, ${group.members.size} member(s)): ${reason}`,
    );
    group.state = next;
  }
}

function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return a.length === b.length && a.every((protocol, i) => protocol.name === b[i]!.name && protocol.metadata.equals(b[i]!.metadata));
}
