import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { WriteRequestDto } from './write-request.dto.js';

/** Organizations and people: which of their names is the primary one. */
export class SetPrimaryNameDto extends WriteRequestDto {
  @ApiProperty({ format: 'uuid' }) @Allow() nameId!: string;
}
