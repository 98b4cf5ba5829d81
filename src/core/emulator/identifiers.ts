// Identifiers in the shapes Lambda uses: request ids, X-Ray trace ids, log stream names, ARNs.
import { randomBytes, randomUUID } from 'node:crypto';

export function newRequestId(): string {
  return randomUUID();
}

/** An X-Ray trace header as Lambda passes it: `Root=1-<epoch hex>-<96-bit hex>;Parent=<64-bit hex>;Sampled=0`. */
export function newTraceId(now = Date.now()): string {
  const epoch = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  // randomUUID draws from a pre-filled pool: far cheaper per call than randomBytes on a hot path.
  const random = (randomUUID() + randomUUID()).replaceAll('-', '');
  return `Root=1-${epoch}-${random.slice(0, 24)};Parent=${random.slice(32, 48)};Sampled=0`;
}

/** `YYYY/MM/DD/[$LATEST]<32 hex>`: one stream per environment, as Lambda names them. */
export function newLogStreamName(now = new Date(), version = '$LATEST'): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${version}]${randomBytes(16).toString('hex')}`;
}

export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
}

export interface FunctionReference {
  readonly name: string;
  readonly qualifier?: string;
  /** Region and account, when the caller gave an ARN. */
  readonly region?: string;
  readonly accountId?: string;
}

const NAME = '([a-zA-Z0-9-_]{1,140})';
const QUALIFIER = '(?::(\\$LATEST|[a-zA-Z0-9-_]{1,128}))?';
const FULL_ARN = new RegExp(`^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\\d{12}):function:${NAME}${QUALIFIER}$`);
const PARTIAL_ARN = new RegExp(`^(\\d{12}):function:${NAME}${QUALIFIER}$`);
const PLAIN_NAME = new RegExp(`^${NAME}${QUALIFIER}$`);

/**
 * Reads the FunctionName of an Invoke call: `name`, `name:qualifier`, `account:function:name[:qualifier]`
 * or `arn:aws:lambda:region:account:function:name[:qualifier]`. Undefined when it is none of these.
 */
export function parseFunctionName(value: string): FunctionReference | undefined {
  const arn = FULL_ARN.exec(value);
  if (arn) return reference(arn[3], arn[4], arn[1], arn[2]);
  const partial = PARTIAL_ARN.exec(value);
  if (partial) return reference(partial[2], partial[3], undefined, partial[1]);
  const plain = PLAIN_NAME.exec(value);
  if (plain) return reference(plain[1], plain[2]);
  return undefined;
}

function reference(
  name: string | undefined,
  qualifier?: string,
  region?: string,
  accountId?: string,
): FunctionReference | undefined {
  if (name === undefined) return undefined;
  return {
    name,
    ...(qualifier === undefined ? {} : { qualifier }),
    ...(region === undefined ? {} : { region }),
    ...(accountId === undefined ? {} : { accountId }),
  };
}
