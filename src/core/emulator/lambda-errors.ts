// The errors Lambda reports, in its exact shapes: function errors are payloads the caller reads
// with `X-Amz-Function-Error`; service errors are non-2xx answers of the Invoke API.

/** The payload of a function error produced by the platform rather than by the runtime. */
export function platformError(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

export function timedOutError(requestId: string, timeoutSeconds: number): Buffer {
  return platformError(
    'Sandbox.Timedout',
    `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  );
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export function exitError(requestId: string, exit: ProcessExit, outOfMemory = false): Buffer {
  const reason =
    exit.signal !== null
      ? `Runtime exited with error: signal: ${exit.signal === 'SIGKILL' ? 'killed' : exit.signal.toLowerCase().replace(/^sig/, '')}`
      : exit.code === 0 || exit.code === null
        ? 'Runtime exited without providing a reason'
        : `Runtime exited with error: exit status ${exit.code}`;
  return platformError(outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError', `RequestId: ${requestId} Error: ${reason}`);
}

/** A non-2xx answer of the Invoke API. */
export class ServiceError extends Error {
  override name = 'ServiceError';

  constructor(
    readonly statusCode: number,
    readonly errorType: string,
    message: string,
    /** Extra fields Lambda puts in the body, such as `Reason` on throttling. */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(): string {
    return JSON.stringify({ Type: 'User', Message: this.message, message: this.message, ...this.extra });
  }
}

export const serviceErrors = {
  functionNotFound: (arn: string) => new ServiceError(404, 'ResourceNotFoundException', `Function not found: ${arn}`),
  tooManyRequests: () =>
    new ServiceError(429, 'TooManyRequestsException', 'Rate Exceeded.', {
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    }),
  invalidRequestContent: (message: string) => new ServiceError(400, 'InvalidRequestContentException', message),
  invalidParameter: (message: string) => new ServiceError(400, 'InvalidParameterValueException', message),
  requestTooLarge: (limit: number) =>
    new ServiceError(
      413,
      'RequestEntityTooLargeException',
      `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    ),
  unsupported: (message: string) => new ServiceError(400, 'UnsupportedOperationException', message),
  /** Lambda's own words for a FunctionName that is not a name, `name:qualifier` or an ARN. */
  invalidFunctionName: (value: string) =>
    new ServiceError(
      400,
      'ValidationException',
      `1 validation error detected: Value '${value.length > 140 ? `${value.slice(0, 137)}...` : value}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    ),
};
