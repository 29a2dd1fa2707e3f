import type { OpenAPIObject } from '@nestjs/swagger';
import { DOCUMENTED_PROBLEM_TYPES } from '../problem-details/problem-catalog.js';
import { PROBLEM_CONTENT_TYPE, ProblemType } from '../problem-details/problem-details.js';

type Operation = { responses?: Record<string, { description?: string; content?: Record<string, unknown> }>; security?: unknown[]; 'x-public'?: boolean };

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const problemContent = () => ({ [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_REF } });

/** The problem+json body every error has (RFC 9457), with every type the API answers. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details. Each `type` is a page: GET /problems/<name> says what it means and what to do.',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', enum: [...DOCUMENTED_PROBLEM_TYPES, ProblemType.other], example: ProblemType.validation },
    title: { type: 'string', example: 'Invalid request' },
    status: { type: 'integer', example: 400 },
    detail: { type: 'string' },
    instance: { type: 'string', example: '/works' },
    errors: {
      type: 'array',
      description: 'Every bad field (validation-error)',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string', example: 'source.publisher' }, message: { type: 'string' } } },
    },
  },
  additionalProperties: true,
};

/**
 * Every error response in the document is problem+json (the Problem schema), every operation that needs a key
 * documents 401 and 403 (a @Public() one, marked x-public, needs no key), and every operation says what it answers
 * on success.
 */
export function documentProblems(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas.Problem = PROBLEM_SCHEMA as never;
  for (const operations of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(operations as Record<string, Operation>)) {
      if (!['get', 'post', 'patch', 'put', 'delete'].includes(method)) continue;
      const responses = (operation.responses ??= {});
      if (!Object.keys(responses).some((status) => status.startsWith('2'))) responses['200'] = { description: 'OK' };
      if (operation['x-public']) {
        operation.security = [];
      } else {
        responses['401'] ??= { description: 'No valid API key' };
        responses['403'] ??= { description: 'The key’s role may not do this' };
      }
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400 && response.content === undefined) response.content = problemContent();
      }
    }
  }
  return document;
}
