import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches, Validate, ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';
import { isPartialDateText } from '../strict-dates.js';
import { isValidPartialDate, type DatePrecision, type PartialDate } from '../../../../../libs/contracts/src/envelope.js';

@ValidatorConstraint({ name: 'partialDateMatchesPrecision' })
class PartialDateMatchesPrecision implements ValidatorConstraintInterface {
  validate(_value: unknown, args: ValidationArguments): boolean {
    const date = args.object as PartialDate;
    // Year 0 is no year in PostgreSQL's calendar (1 BC is followed by AD 1), which the read models date by.
    return typeof date.date === 'string' && typeof date.precision === 'string' && isValidPartialDate(date) && isPartialDateText(date.date);
  }
  defaultMessage(args: ValidationArguments): string {
    const date = args.object as PartialDate;
    return `date "${String(date.date)}" does not match precision "${String(date.precision)}" (year: 2018, month: 2018-05, day: 2018-05-03)`;
  }
}

/** A world date known to a day, a month or only a year ("development started in 2018"). */
export class PartialDateDto implements PartialDate {
  @ApiProperty({ example: '2018', description: "'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', matching precision" })
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/, { message: "date must be 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'" })
  @Validate(PartialDateMatchesPrecision)
  date!: string;

  @ApiProperty({ enum: ['day', 'month', 'year'], example: 'year' })
  @IsIn(['day', 'month', 'year'], { message: 'precision must be day, month or year' })
  precision!: DatePrecision;
}
