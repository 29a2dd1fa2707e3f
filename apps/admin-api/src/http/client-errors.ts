import { maxHeaderSize, STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemType, type ProblemDetails } from '../problem-details/problem-details.js';

/** Node's error for a request that broke HTTP/1.1 or a deadline; `reason` is llhttp's phrase for a parse error. */
interface ConnectionError extends Error {
  code?: string;
  reason?: unknown;
}

/**
 * Answers what Node's HTTP parser refuses before any route sees it (bad header bytes, two Content-Length, Content-Length
 * with Transfer-Encoding, oversized headers) and requests past the header or body deadline: problem+json on the socket,
 * then the connection is closed, as the bytes after an unreadable request cannot be trusted to start the next one.
 */
export function createClientErrorHandler(headers: Record<string, string>, deadlines: { headersTimeoutMs: number; bodyTimeoutMs: number }) {
  return (error: ConnectionError, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    // An answer already under way cannot be replaced; the close tells the client it is incomplete.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
    if (socket.writable && !inFlight?.headersSent) {
      const problem = clientErrorProblem(error, deadlines);
      const body = JSON.stringify(problem);
      const lines = [
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
        `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

function clientErrorProblem(error: ConnectionError, deadlines: { headersTimeoutMs: number; bodyTimeoutMs: number }): ProblemDetails {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      type: ProblemType.requestTimeout,
      title: 'Request timeout',
      status: 408,
      detail: `The request did not arrive in time: its headers are due within ${deadlines.headersTimeoutMs} ms and all of it within ${deadlines.bodyTimeoutMs} ms. Nothing was recorded.`,
    };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      type: ProblemType.malformedRequest,
      title: 'Request headers too large',
      status: 431,
      detail: `The request line and headers exceed the ${maxHeaderSize} bytes the API reads. Nothing was recorded.`,
    };
  }
  // llhttp's reasons are fixed phrases ("Duplicate Content-Length"), never the client's bytes.
  const reason = typeof error.reason === 'string' && /^[\x20-\x7e]{1,120}$/.test(error.reason) ? error.reason : (error.code ?? 'unreadable request');
  return {
    type: ProblemType.malformedRequest,
    title: 'Malformed HTTP request',
    status: 400,
    detail: `The request is not valid HTTP/1.1 (${reason}). Nothing was recorded.`,
  };
}

const FRAMEWORK_ERROR_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The request path is not a valid URL path: a % must start a percent-encoded UTF-8 character.',
  FST_ERR_MAX_PARAM_LENGTH: 'A part of the request path is longer than the API reads.',
};

/**
 * Fastify's own refusals before routing (a path that does not percent-decode, a path parameter beyond its length):
 * problem+json with the same headers as every other answer, since these bypass the app's hooks.
 */
export function createFrameworkErrorHandler(headers: Record<string, string>) {
  return (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void => {
    const status = 400;
    const problem: ProblemDetails = {
      type: ProblemType.malformedRequest,
      title: 'Malformed request',
      status,
      detail: `${FRAMEWORK_ERROR_DETAILS[error.code ?? ''] ?? 'The request path cannot be routed.'} Nothing was recorded.`,
      instance: request.url,
    };
    void reply.code(status).headers(headers).header('X-Correlation-Id', request.id).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  };
}
