import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import type { ConfigProblem } from '../config/problem';
import { problemsFromZod } from '../config/zod-problems';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import type { ApiErrorBody } from './schemas';

/**
 * An answer other than success, as the API sends it: a status, a `code` a
 * client can branch on, a message a person can act on, and for validation
 * errors every problem at once.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems?: ConfigProblem[],
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.problems
        ? { problems: this.problems.map(({ path, message, fix }) => ({ path, message, fix })) }
        : {}),
    };
  }
}

export const notFound = (message: string) => new ApiError(404, 'NotFound', message);

const PART_WORDS: Record<string, string> = {
  body: 'the request body',
  params: 'the path',
  querystring: 'the query string',
  headers: 'the headers',
};

/** `candidates.count (-1) must be at least 1; ...`: each problem with its path and fix, as `ferry validate` words them. */
export function describeProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map((p) => `${p.path === '' ? '' : `${p.path} `}${p.message}; ${p.fix}`)
    .join('\n');
}

/**
 * Fastify's validator for the zod schemas of bodies, params and query
 * strings. Failures carry the same problem wording as pipeline validation
 * (problemsFromZod), so a malformed field is named and a fix offered.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    const problems = problemsFromZod(result.error.issues, schema);
    const part = PART_WORDS[httpPart ?? 'body'] ?? httpPart ?? 'the request';
    return {
      error: new ApiError(
        400,
        'ValidationError',
        `${part} is not valid: ${describeProblems(problems).replace(/\n/g, ' | ')}`,
        problems,
      ),
    };
  };

/** Everything thrown in a route or hook becomes `{ code, message }` JSON with a fitting status. */
export function sendError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const apiError = toApiError(error, request);
  if (apiError.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  return reply.code(apiError.statusCode).type('application/json').send(apiError.toBody());
}

function toApiError(error: FastifyError | Error, request: FastifyRequest): ApiError {
  if (error instanceof ApiError) return error;
  if (isTemporalUnreachable(error)) {
    return new ApiError(
      503,
      'TemporalUnavailable',
      `the Temporal server did not answer (${error.message}); check that it runs, then retry`,
    );
  }
  if (error instanceof ResponseSerializationError) {
    // A bug, not the caller's doing: say where the answer left its documented shape.
    const where = error.cause.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return new ApiError(500, 'InternalError', `the answer does not match its schema (${where})`);
  }
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions.bodyLimit;
      return new ApiError(
        413,
        'BodyTooLarge',
        `the request body is over this server's limit${limit ? ` of ${limit} bytes` : ''}; send less, or raise FERRY_API_BODY_LIMIT_BYTES`,
      );
    }
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'UnsupportedMediaType',
        `this route does not take ${request.headers['content-type'] ?? 'a body without a content type'}; send application/json (invocations also take text/csv)`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(
        400,
        'MalformedBody',
        'the body is empty but its content type is application/json; send a JSON object such as {}',
      );
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const code = status === 400 ? 'MalformedBody' : 'BadRequest';
    return new ApiError(status, code, `${error.message}`);
  }
  return new ApiError(500, 'InternalError', `unexpected error: ${error.message}`);
}

/** gRPC UNAVAILABLE (14) or DEADLINE_EXCEEDED (4): the server is down or too slow, a retry may do. */
function isTemporalUnreachable(error: Error): boolean {
  const grpc = error instanceof ServiceError ? error.cause : error;
  if (!isGrpcServiceError(grpc)) return false;
  const code: number = grpc.code;
  return code === 14 || code === 4;
}
