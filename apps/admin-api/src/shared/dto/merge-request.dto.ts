import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsOptional, IsUUID } from 'class-validator';
import { NotedWriteRequestDto } from './fix-request.dto.js';

/** Merging the record in the URL (a duplicate) into the survivor: one correction, note required, on both records. */
export class MergeRequestDto extends NotedWriteRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The record that stays: the duplicate in the URL points to it from now on' })
  @IsDefined({ message: 'survivorId is required: the id of the record the duplicate is the same as' })
  @IsUUID('all', { message: 'survivorId must be a UUID: the id of the record the duplicate is the same as' })
  survivorId!: string;
}

/** Undoing the merge of the record in the URL: it becomes its own record again. */
export class UndoMergeRequestDto extends NotedWriteRequestDto {}

/** On a registration: the candidates of a 409 /problems/possible-duplicate the editor confirms are different entities. */
export const DistinctFromProperty = () => (target: object, key: string) => {
  ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      'Ids of records whose names closely match this one that the editor confirms are a different entity (the candidates of a 409 /problems/possible-duplicate); a registration matching another record is refused',
  })(target, key);
  IsOptional()(target, key);
  IsArray({ message: 'distinctFrom must be a list of ids' })(target, key);
  ArrayMaxSize(50)(target, key);
  IsUUID('all', { each: true, message: 'distinctFrom must list the UUIDs of the candidates' })(target, key);
};
