import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { validationProblem } from '../problem-details/problem-details.js';
import { flattenValidationErrors } from '../problem-details/validation-errors.js';
import { admitBody, admitQuery } from './text-at-the-edge.js';

/**
 * The one global pipe every handler argument goes through: texts of the body and query string admitted first (NFC,
 * no control characters or lone surrogates, bounded, ids in lower case; see text-at-the-edge.ts), then the DTO's
 * rules (unknown fields refused). Either way a refusal is a 400 naming the fields.
 */
@Injectable()
export class EdgeValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const admitted = metadata.type === 'body' ? admitBody(value) : admitQuery(value, metadata.data);
      if (admitted.errors.length > 0) throw validationProblem(admitted.errors);
      value = admitted.value;
    }
    return super.transform(value, metadata);
  }
}
