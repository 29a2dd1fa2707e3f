import { DealEventTypes } from '../../../contracts/src/events/deal.events.js';
import { OrganizationEventTypes } from '../../../contracts/src/events/organization.events.js';
import { PersonEventTypes } from '../../../contracts/src/events/person.events.js';
import { WorkEventTypes } from '../../../contracts/src/events/work.events.js';
import { CHAIN_EVENT_TYPES, correctionChains, streamsToLoad, type ChainEvent } from './correction-chains.js';

const W = 'work-aaaaaaaa-0000-4000-8000-000000000001';
const T = 'work-bbbbbbbb-0000-4000-8000-000000000002';
let position = 0;
const ev = (streamId: string, type: string, data: Record<string, unknown>, note?: string): ChainEvent => {
  position += 1;
  return { eventId: `e${position}`, globalPosition: String(position), streamId, streamType: 'work', type, recordedAt: `2025-11-24T10:00:${String(position).padStart(2, '0')}.000Z`, data, ...(note ? { metadata: { note } } : {}) };
};

describe('correction chains', () => {
  it('knows every event type of the contract', () => {
    const all = [...Object.values(WorkEventTypes), ...Object.values(OrganizationEventTypes), ...Object.values(PersonEventTypes), ...Object.values(DealEventTypes)];
    expect(all.filter((type) => !CHAIN_EVENT_TYPES.has(type))).toEqual([]);
  });

  it('links a correction, a clarification, a retraction and a move to the events that stated the facts, and back', () => {
    const registered = ev(W, 'WorkRegistered', { workId: 'aaaaaaaa-0000-4000-8000-000000000001', titles: [{ titleId: 't1' }], statusChangeId: 's1', countries: ['KR'] });
    const credit = ev(W, 'CompanyCreditAdded', { creditId: 'c1', organizationId: 'o1', role: 'producer' });
    const ended = ev(W, 'CompanyCreditEnded', { creditId: 'c1' });
    const corrected = ev(W, 'CompanyCreditCorrected', { creditId: 'c1', replacementCreditId: 'c2', replacement: {}, note: 'co-producer' }, 'co-producer');
    const recorrected = ev(W, 'CompanyCreditCorrected', { creditId: 'c2', replacementCreditId: 'c3', replacement: {}, note: 'again' }, 'again');
    const clarified = ev(W, 'WorkFactClarified', { fact: { type: 'title', id: 't1' }, note: 'romanized' }, 'romanized');
    const attached = ev(W, 'TalentAttached', { attachmentId: 'a1', personId: 'p1', role: 'director' });
    const retracted = ev(W, 'WorkFactRetracted', { fact: { type: 'talent-attachment', id: 'a1' }, note: 'never attached' }, 'never attached');
    const other = ev(W, 'CompanyCreditAdded', { creditId: 'm1', organizationId: 'o2', role: 'distributor' });
    const movedOut = ev(W, 'CompanyCreditMovedOut', { creditId: 'm1', moveId: 'mv', targetWorkId: 'bbbbbbbb-0000-4000-8000-000000000002', targetCreditId: 'm2', note: 'wrong film' }, 'wrong film');
    const movedIn = ev(T, 'CompanyCreditMovedIn', { creditId: 'm2', moveId: 'mv', sourceWorkId: 'aaaaaaaa-0000-4000-8000-000000000001', sourceCreditId: 'm1', note: 'wrong film' }, 'wrong film');
    const detailsCorrected = ev(W, 'WorkDetailsCorrected', { changes: { countries: ['US'] }, previous: { countries: ['KR'] }, note: 'US' }, 'US');

    const chains = correctionChains([movedIn, registered, credit, ended, corrected, recorrected, clarified, attached, retracted, other, movedOut, detailsCorrected]);

    expect(chains.get(corrected.eventId)!.fixes).toMatchObject({ kind: 'correction', fact: { streamId: W, type: 'company-credit', id: 'c1' }, replacement: { id: 'c2' }, statedBy: [{ eventId: credit.eventId }], note: 'co-producer' });
    expect(chains.get(credit.eventId)!.fixedBy.map((f) => [f.eventId, f.kind])).toEqual([[corrected.eventId, 'correction']]);
    expect(chains.get(ended.eventId)!.fixedBy.map((f) => f.eventId)).toEqual([corrected.eventId]);
    // the second correction fixes the first one's replacement
    expect(chains.get(recorrected.eventId)!.fixes!.statedBy.map((s) => s.eventId)).toEqual([corrected.eventId]);
    expect(chains.get(corrected.eventId)!.fixedBy.map((f) => f.eventId)).toEqual([recorrected.eventId]);
    // clarification of a title stated at registration
    expect(chains.get(clarified.eventId)!.fixes).toMatchObject({ kind: 'clarification', fact: { type: 'title', id: 't1' }, statedBy: [{ eventId: registered.eventId }] });
    expect(chains.get(retracted.eventId)!.fixes).toMatchObject({ kind: 'retraction', statedBy: [{ eventId: attached.eventId }] });
    expect(chains.get(attached.eventId)!.fixedBy).toMatchObject([{ eventId: retracted.eventId, kind: 'retraction', note: 'never attached' }]);
    // a move: both halves fix the source credit; the moved-in credit is the replacement on the target work
    expect(chains.get(movedOut.eventId)!.fixes).toMatchObject({ kind: 'move', fact: { streamId: W, id: 'm1' }, replacement: { streamId: T, id: 'm2' }, statedBy: [{ eventId: other.eventId }] });
    expect(chains.get(movedIn.eventId)!.fixes).toMatchObject({ kind: 'move', fact: { streamId: W, id: 'm1' }, statedBy: [{ eventId: other.eventId }] });
    expect(chains.get(other.eventId)!.fixedBy.map((f) => f.eventId)).toEqual([movedOut.eventId, movedIn.eventId]);
    // details: stated by the registration (all keys)
    expect(chains.get(detailsCorrected.eventId)!.fixes).toMatchObject({ kind: 'correction', fact: { type: 'work', keys: ['countries'] }, statedBy: [{ eventId: registered.eventId }] });
    expect(chains.get(registered.eventId)!.fixedBy.map((f) => f.eventId)).toEqual([clarified.eventId, detailsCorrected.eventId]);
    expect(chains.get(movedIn.eventId)!.fixedBy).toEqual([]);
  });

  it('a details correction is stated by the last event that stated each corrected key', () => {
    const registered = ev(W, 'WorkRegistered', { titles: [], statusChangeId: 's' });
    const updated = ev(W, 'WorkDetailsUpdated', { changes: { productionYear: 2019 } });
    const yearFix = ev(W, 'WorkDetailsCorrected', { changes: { productionYear: 2020 }, previous: { productionYear: 2019 }, note: 'n' });
    const bothFix = ev(W, 'WorkDetailsCorrected', { changes: { productionYear: 2021, countries: ['US'] }, previous: { productionYear: 2020, countries: ['KR'] }, note: 'n' });
    const chains = correctionChains([registered, updated, yearFix, bothFix]);
    expect(chains.get(yearFix.eventId)!.fixes!.statedBy.map((s) => s.eventId)).toEqual([updated.eventId]);
    expect(chains.get(bothFix.eventId)!.fixes!.statedBy.map((s) => s.eventId)).toEqual([registered.eventId, yearFix.eventId]);
    expect(chains.get(updated.eventId)!.fixedBy.map((f) => f.eventId)).toEqual([yearFix.eventId]);
  });

  it('names the other side of every move as a stream to load', () => {
    const out = ev(W, 'TalentAttachmentMovedOut', { attachmentId: 'a', targetWorkId: 'bbbbbbbb-0000-4000-8000-000000000002', targetAttachmentId: 'b' });
    expect(streamsToLoad([out])).toEqual([T]);
  });
});
