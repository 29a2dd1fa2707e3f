import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsUUID, ValidateBy } from 'class-validator';
import { NIL_UUID, normalizeId } from './text-at-the-edge.js';

/** A query filter naming a record by UUID: any case (read in lower case), never the nil UUID. */
export const IdFilter = (name: string) =>
  applyDecorators(
    Transform(({ value }) => (typeof value === 'string' ? normalizeId(value) : value)),
    IsUUID('all', { message: `${name} must be a UUID` }),
    ValidateBy({ name: 'isNotNilUuid', validator: { validate: (value) => value !== NIL_UUID } }, { message: `${name} must not be the nil UUID (all zeros): name a real record` }),
  );

const STREAM_ID = /^([a-z]+)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** `work-5EED…` names the same stream as `work-5eed…`: stream ids are written in lower case. */
export const StreamIdFilter = () => Transform(({ value }) => (typeof value === 'string' && STREAM_ID.test(value) ? value.toLowerCase() : value));
