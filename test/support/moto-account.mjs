// A realistic Lambda account in moto, and a proxy in front of moto for what moto does not do.
//
// seedAccount() fills moto with the account a Lambda developer has after a few years: hundreds of
// functions across runtimes, and one function wired to everything (layer, VPC, queue, stream,
// permissions, versions, aliases, URL), so views and commands meet real data rather than `hello`.
//
// startMotoGaps() is an HTTP proxy that forwards to moto and adds the Lambda behaviours moto 5.2.5
// lacks (ListFunctions pagination, GetFunction's Code.Location) or cannot produce (throttling), so
// clients are tested over real HTTP with the real SDK rather than with mocks.
import { createHash, randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { deflateRawSync } from 'node:zlib';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  GetAliasCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { createLambdaRole, motoCredentials } from './moto.mjs';

/** moto's fixed account id; every ARN it makes is in this account. */
const ACCOUNT = '123456789012';

// ---------------------------------------------------------------------------------------------
// Zip archives
// ---------------------------------------------------------------------------------------------

/** CRC-32 (IEEE 802.3, as zip uses), table-driven; node:zlib does not expose its crc32 on Node 20. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** @param {Buffer} data */
function crc32(data) {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// A fixed timestamp (1980-01-01 00:00, the earliest DOS date) keeps archives byte-identical from
// run to run, so CodeSha256 is stable and tests may compare it.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
// Bit 11: names are UTF-8.
const FLAGS = 0x0800;

/**
 * A zip archive of `files`, in the given order. Each entry is deflated unless deflating does not
 * make it smaller, in which case it is stored, as zip tools do. Regular files, mode 0644.
 * @param {Record<string, string | Buffer>} files paths inside the archive (forward slashes) to contents
 * @returns {Buffer}
 */
export function zipOf(files) {
  /** @type {Buffer[]} */
  const locals = [];
  /** @type {Buffer[]} */
  const centrals = [];
  let offset = 0;
  for (const [path, content] of Object.entries(files)) {
    const name = Buffer.from(path, 'utf8');
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const deflated = deflateRawSync(data);
    const method = deflated.length < data.length ? 8 : 0;
    const body = method === 8 ? deflated : data;
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // no extra field

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, so the external attributes carry a mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAGS, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0 (offsets 30..37)
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// ---------------------------------------------------------------------------------------------
// Other AWS services, over their wire protocols (the project has only the Lambda and Logs SDKs)
// ---------------------------------------------------------------------------------------------

/**
 * moto serves every service on one port and routes by the service in the credential scope of the
 * Authorization header; it does not check the signature.
 * @param {string} service
 * @param {string} region
 */
const authorization = (service, region) =>
  `AWS4-HMAC-SHA256 Credential=${motoCredentials.accessKeyId}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

/**
 * An AWS query-protocol call (EC2, SQS); returns the XML response text.
 * @param {string} url
 * @param {string} service
 * @param {string} region
 * @param {Record<string, string>} params
 */
async function queryCall(url, service, region, params) {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: authorization(service, region) },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto ${service} ${params['Action']} failed: ${response.status} ${text}`);
  return text;
}

/**
 * An AWS JSON-protocol call (DynamoDB); returns the parsed response.
 * @param {string} url
 * @param {string} service
 * @param {string} region
 * @param {string} target the X-Amz-Target header, e.g. DynamoDB_20120810.CreateTable
 * @param {unknown} body
 */
async function jsonCall(url, service, region, target, body) {
  const response = await fetch(`${url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization: authorization(service, region),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto ${target} failed: ${response.status} ${text}`);
  return /** @type {any} */ (JSON.parse(text));
}

/**
 * The text of the first <tag> element in `xml`; the responses here are small and regular enough
 * that a parser would add nothing.
 * @param {string} xml
 * @param {string} tag
 */
function xmlValue(xml, tag) {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!match?.[1]) throw new Error(`no <${tag}> in moto's response: ${xml.slice(0, 300)}`);
  return match[1];
}

// ---------------------------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------------------------

const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'python3.12', 'python3.13'];
// Lambda's common memory sizes, including 1769 MB (one full vCPU) and a few unusual ones.
const MEMORY_SIZES = [128, 256, 512, 1024, 1769, 2048, 3008, 192];
const TIMEOUTS = [3, 6, 10, 15, 30, 60, 300, 900];
const DOMAINS = [
  'orders',
  'payments',
  'inventory',
  'shipping',
  'users',
  'auth',
  'notifications',
  'search',
  'billing',
  'reports',
  'catalog',
  'checkout',
  'emails',
  'images',
  'audit',
  'webhooks',
  'pricing',
  'reviews',
  'returns',
  'analytics',
];
const ROLES = ['api', 'worker', 'consumer', 'cron', 'handler', 'sync', 'export', 'stream'];

/** The code of every Node.js function: a handler that returns its event. */
const NODE_CODE = 'export const handler = async (event) => event;\n';
/** The code of every Python function, so a Python function's zip matches its runtime. */
const PYTHON_CODE = 'def handler(event, context):\n    return event\n';

export const FEATURED = 'orders-processor';
/** A fake secret, for tests that check secrets are masked wherever environment variables show. */
export const FAKE_SECRET = 'not-a-real-secret-123';

/**
 * What seedAccount made.
 * @typedef {object} SeededAccount
 * @property {string} region
 * @property {string} roleArn
 * @property {string[]} functionNames every function, sorted; `featured` is one of them
 * @property {string} featured the function wired to everything
 * @property {string} featuredArn
 * @property {Buffer} zip the code of the featured function and of every Node.js function
 * @property {Buffer} pythonZip the code of every Python function
 * @property {string} layerVersionArn the layer version attached to the featured function
 * @property {Record<string, string>} environment the featured function's environment variables ($LATEST)
 * @property {{ vpcId: string, subnetIds: string[], securityGroupIds: string[] }} vpc the featured function's VPC
 * @property {number} reservedConcurrency
 * @property {string} queueUrl the SQS queue the featured function consumes
 * @property {string} queueArn
 * @property {string} tableStreamArn the DynamoDB stream the featured function consumes
 * @property {{ sqs: string, dynamodb: string }} eventSourceMappings UUIDs
 * @property {Array<{ sid: string, principal: string, sourceArn?: string }>} permissions resource-policy statements
 * @property {string[]} versions published versions, oldest first
 * @property {{ live: { version: string, weights: Record<string, number> }, dev: { version: string } }} aliases
 * @property {string} functionUrl
 * @property {number} seedMs how long seeding took
 */

/**
 * Seeds moto (or anything speaking the Lambda API at `motoUrl`, such as startMotoGaps' proxy) with a
 * realistic account: `functions` functions in total, one of which is the featured `orders-processor`
 * wired to everything moto supports, each part read back with the SDK so a silent gap in moto fails
 * here rather than in a test far away. Call it once per moto server (it creates fixed names).
 * @param {string} motoUrl
 * @param {{ functions?: number, region?: string }} [options]
 * @returns {Promise<SeededAccount>}
 */
export async function seedAccount(motoUrl, { functions = 1000, region = 'us-east-1' } = {}) {
  if (!Number.isInteger(functions) || functions < 1) throw new Error('seedAccount needs at least one function');
  const started = performance.now();
  // Seeding goes as fast as moto answers; the SDK's retries stay on for a proxy that throttles.
  const client = new LambdaClient({ endpoint: motoUrl, region, credentials: motoCredentials });
  try {
    // Not the 'lambda-role' of createLambdaRole's default, which other tests create on their own.
    const roleArn = await createLambdaRole(motoUrl, 'workbench-seeded-role');
    const zip = zipOf({ 'index.mjs': NODE_CODE });
    const pythonZip = zipOf({ 'app.py': PYTHON_CODE });

    const width = Math.max(4, String(functions).length);
    /** @type {string[]} */
    const names = [];
    // Index 0 is the featured function; the others are svc-0001-... to svc-NNNN-... .
    for (let i = 1; i < functions; i++) names.push(functionName(i, width));
    // At most 8 CreateFunction calls in flight, the featured function's included: a deployment
    // tool's pace, and as much as moto's single Python process usefully takes.
    const slot = limiter(8);
    // The featured function (and moto's EC2, SQS and DynamoDB, slow to start) in parallel with the rest.
    const [featured] = await Promise.all([
      seedFeatured(client, motoUrl, region, roleArn, zip, slot),
      ...names.map((name, i) =>
        slot(() => client.send(new CreateFunctionCommand(plainFunction(name, i + 1, roleArn, zip, pythonZip)))),
      ),
    ]);
    return {
      region,
      roleArn,
      functionNames: [...names, FEATURED].sort(),
      zip,
      pythonZip,
      ...featured,
      seedMs: Math.round(performance.now() - started),
    };
  } finally {
    client.destroy();
  }
}

/**
 * `svc-0042-payments-worker`: a zero-padded index, so the names sort in creation order, then a
 * domain and a role, so lists look like a real account rather than `fn-1`, `fn-2`.
 * @param {number} i
 * @param {number} width
 */
function functionName(i, width) {
  return `svc-${String(i).padStart(width, '0')}-${DOMAINS[i % DOMAINS.length]}-${ROLES[Math.floor(i / DOMAINS.length) % ROLES.length]}`;
}

/**
 * The CreateFunction input for an ordinary function. Each setting cycles with a different period,
 * so the combinations vary rather than moving in lockstep with the runtime.
 * @param {string} name
 * @param {number} i
 * @param {string} roleArn
 * @param {Buffer} zip
 * @param {Buffer} pythonZip
 * @returns {import('@aws-sdk/client-lambda').CreateFunctionCommandInput}
 */
function plainFunction(name, i, roleArn, zip, pythonZip) {
  const runtime = /** @type {import('@aws-sdk/client-lambda').Runtime} */ (RUNTIMES[i % RUNTIMES.length]);
  const python = runtime.startsWith('python');
  const domain = DOMAINS[i % DOMAINS.length] ?? 'orders';
  return {
    FunctionName: name,
    Runtime: runtime,
    Handler: python ? 'app.handler' : 'index.handler',
    Role: roleArn,
    Code: { ZipFile: python ? pythonZip : zip },
    MemorySize: MEMORY_SIZES[i % MEMORY_SIZES.length] ?? 128,
    Timeout: TIMEOUTS[i % 7] ?? 3,
    Architectures: [i % 3 === 0 ? 'x86_64' : 'arm64'],
    // Some functions have no description, as in real accounts.
    ...(i % 5 === 4 ? {} : { Description: `${domain} ${ROLES[i % ROLES.length] ?? 'handler'} (service ${i})` }),
    Tags: { team: domain, stage: i % 10 === 0 ? 'staging' : 'prod' },
  };
}

/**
 * A limiter: `slot(task)` runs `task` once fewer than `limit` tasks of this limiter are running.
 * @param {number} limit
 * @returns {<T>(task: () => Promise<T>) => Promise<T>}
 */
function limiter(limit) {
  let running = 0;
  /** @type {Array<() => void>} */
  const waiting = [];
  return async (task) => {
    if (running >= limit) await new Promise((resolve) => waiting.push(() => resolve(undefined)));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Throws unless `condition`; seeding checks each part it made, since moto may accept a request
 * and then not keep what it was given.
 * @param {unknown} condition
 * @param {string} what
 * @param {unknown} [seen]
 */
function check(condition, what, seen) {
  if (!condition)
    throw new Error(`seedAccount: moto did not keep ${what}${seen === undefined ? '' : `: ${JSON.stringify(seen)}`}`);
}

/**
 * Creates the featured function and everything around it, checking each part with the SDK.
 * @param {LambdaClient} client
 * @param {string} url
 * @param {string} region
 * @param {string} roleArn
 * @param {Buffer} zip
 * @param {ReturnType<typeof limiter>} slot the limiter of CreateFunction calls
 */
async function seedFeatured(client, url, region, roleArn, zip, slot) {
  // A shared-code layer, laid out as Node.js layers are (nodejs/node_modules/...).
  const layer = await client.send(
    new PublishLayerVersionCommand({
      LayerName: 'shared-utils',
      Description: 'Logging and tracing helpers',
      Content: {
        ZipFile: zipOf({ 'nodejs/node_modules/shared-utils/index.mjs': 'export const log = (...a) => console.log(...a);\n' }),
      },
      CompatibleRuntimes: ['nodejs20.x', 'nodejs22.x'],
      CompatibleArchitectures: ['arm64', 'x86_64'],
    }),
  );
  const layerVersionArn = layer.LayerVersionArn ?? '';
  check(layerVersionArn.includes(':layer:shared-utils:'), 'the layer version', layer);

  const vpc = await createVpc(url, region);
  const queueUrl = xmlValue(
    await queryCall(url, 'sqs', region, { Action: 'CreateQueue', QueueName: 'orders-queue' }),
    'QueueUrl',
  );
  const queueArn = await queueArnOf(url, region, queueUrl);
  const tableStreamArn = await createStreamTable(url, region);

  /** @type {Record<string, string>} */
  const environment = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    TABLE_NAME: 'orders',
    QUEUE_URL: queueUrl,
    DB_HOST: 'orders-db.cluster-abc123.us-east-1.rds.amazonaws.com',
    DB_PASSWORD: FAKE_SECRET,
  };
  const created = await slot(() =>
    client.send(
      new CreateFunctionCommand({
        FunctionName: FEATURED,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: roleArn,
        Code: { ZipFile: zip },
        Description: 'Processes orders from the queue and the orders table stream',
        MemorySize: 1024,
        Timeout: 30,
        Architectures: ['arm64'],
        Environment: { Variables: environment },
        Layers: [layerVersionArn],
        VpcConfig: { SubnetIds: vpc.subnetIds, SecurityGroupIds: vpc.securityGroupIds },
        TracingConfig: { Mode: 'Active' },
        EphemeralStorage: { Size: 1024 },
        Tags: { team: 'orders', stage: 'prod', 'cost-center': 'cc-1234' },
      }),
    ),
  );
  const featuredArn = created.FunctionArn ?? '';

  await client.send(new PutFunctionConcurrencyCommand({ FunctionName: FEATURED, ReservedConcurrentExecutions: 25 }));

  const sqsMapping = await client.send(
    new CreateEventSourceMappingCommand({ FunctionName: FEATURED, EventSourceArn: queueArn, BatchSize: 10 }),
  );
  const dynamodbMapping = await client.send(
    new CreateEventSourceMappingCommand({
      FunctionName: FEATURED,
      EventSourceArn: tableStreamArn,
      BatchSize: 100,
      StartingPosition: 'LATEST',
    }),
  );

  // The principals a function commonly has: four services, each limited to one source, and another account.
  const permissions = [
    {
      sid: 'apigateway-invoke',
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:${region}:${ACCOUNT}:a1b2c3d4e5/*/POST/orders`,
    },
    { sid: 's3-invoke', principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::some-bucket' },
    { sid: 'sns-invoke', principal: 'sns.amazonaws.com', sourceArn: `arn:aws:sns:${region}:${ACCOUNT}:order-events` },
    {
      sid: 'events-invoke',
      principal: 'events.amazonaws.com',
      sourceArn: `arn:aws:events:${region}:${ACCOUNT}:rule/nightly-reconcile`,
    },
    { sid: 'partner-account-invoke', principal: '210987654321' },
  ];
  for (const { sid, principal, sourceArn } of permissions) {
    await client.send(
      new AddPermissionCommand({
        FunctionName: FEATURED,
        StatementId: sid,
        Action: 'lambda:InvokeFunction',
        Principal: principal,
        ...(sourceArn ? { SourceArn: sourceArn } : {}),
        // Lambda's console adds the account for S3, whose bucket ARNs name no account.
        ...(principal === 's3.amazonaws.com' ? { SourceAccount: ACCOUNT } : {}),
      }),
    );
  }

  // Two versions that differ, as after two releases: the second changes the configuration only, so
  // every version runs the same `zip` and a code download can be compared with it.
  const v1 = await client.send(new PublishVersionCommand({ FunctionName: FEATURED, Description: 'release 1' }));
  environment['RELEASE'] = '2';
  await client.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: FEATURED, Environment: { Variables: environment }, MemorySize: 1536 }),
  );
  const v2 = await client.send(new PublishVersionCommand({ FunctionName: FEATURED, Description: 'release 2' }));
  const versions = [v1.Version ?? '', v2.Version ?? ''];
  check(versions[0] === '1' && versions[1] === '2', 'versions 1 and 2', versions);

  // A canary: live sends 10 % of traffic to the previous release.
  const weights = { 1: 0.1 };
  await client.send(
    new CreateAliasCommand({
      FunctionName: FEATURED,
      Name: 'live',
      FunctionVersion: '2',
      Description: 'production traffic',
      RoutingConfig: { AdditionalVersionWeights: weights },
    }),
  );
  await client.send(new CreateAliasCommand({ FunctionName: FEATURED, Name: 'dev', FunctionVersion: '$LATEST' }));

  const createdUrl = await client.send(
    new CreateFunctionUrlConfigCommand({
      FunctionName: FEATURED,
      AuthType: 'NONE',
      Cors: { AllowOrigins: ['https://shop.example.com'], AllowMethods: ['POST'] },
    }),
  );
  const functionUrl = createdUrl.FunctionUrl ?? '';

  // Read everything back.
  const got = await client.send(new GetFunctionCommand({ FunctionName: FEATURED }));
  const config = got.Configuration;
  check(config?.Environment?.Variables?.['DB_PASSWORD'] === FAKE_SECRET, 'the environment', config?.Environment);
  check(config?.Layers?.[0]?.Arn === layerVersionArn, 'the layer', config?.Layers);
  check(
    JSON.stringify(config?.VpcConfig?.SubnetIds) === JSON.stringify(vpc.subnetIds) &&
      JSON.stringify(config?.VpcConfig?.SecurityGroupIds) === JSON.stringify(vpc.securityGroupIds),
    'the VPC configuration',
    config?.VpcConfig,
  );
  check(config?.MemorySize === 1536, 'the memory size', config?.MemorySize);
  check(got.Concurrency?.ReservedConcurrentExecutions === 25, 'the reserved concurrency', got.Concurrency);

  const sqs = await client.send(new GetEventSourceMappingCommand({ UUID: sqsMapping.UUID }));
  check(sqs.EventSourceArn === queueArn && sqs.BatchSize === 10, 'the SQS event source mapping', sqs);
  const ddb = await client.send(new GetEventSourceMappingCommand({ UUID: dynamodbMapping.UUID }));
  check(ddb.EventSourceArn === tableStreamArn, 'the DynamoDB event source mapping', ddb);

  const policy = await client.send(new GetPolicyCommand({ FunctionName: FEATURED }));
  const statements = /** @type {{ Statement: Array<{ Sid: string }> }} */ (JSON.parse(policy.Policy ?? '{}')).Statement;
  check(statements.length === permissions.length, 'the permissions', statements);

  const listed = await client.send(new ListVersionsByFunctionCommand({ FunctionName: FEATURED }));
  const listedVersions = (listed.Versions ?? []).map((v) => v.Version);
  check(
    ['$LATEST', '1', '2'].every((v) => listedVersions.includes(v)),
    'the versions',
    listedVersions,
  );

  const live = await client.send(new GetAliasCommand({ FunctionName: FEATURED, Name: 'live' }));
  check(
    live.FunctionVersion === '2' && live.RoutingConfig?.AdditionalVersionWeights?.['1'] === 0.1,
    'the live alias and its weights',
    live,
  );
  const urlConfig = await client.send(new GetFunctionUrlConfigCommand({ FunctionName: FEATURED }));
  check(urlConfig.AuthType === 'NONE' && urlConfig.FunctionUrl === functionUrl, 'the function URL', urlConfig);

  return {
    featured: FEATURED,
    featuredArn,
    layerVersionArn,
    environment,
    vpc,
    reservedConcurrency: 25,
    queueUrl,
    queueArn,
    tableStreamArn,
    eventSourceMappings: { sqs: sqsMapping.UUID ?? '', dynamodb: dynamodbMapping.UUID ?? '' },
    permissions,
    versions,
    aliases: { live: { version: '2', weights }, dev: { version: '$LATEST' } },
    functionUrl,
  };
}

/**
 * A VPC with two private subnets in two zones and a security group, as a function in a VPC has.
 * @param {string} url
 * @param {string} region
 */
async function createVpc(url, region) {
  const ec2 = (/** @type {Record<string, string>} */ params) =>
    queryCall(url, 'ec2', region, { Version: '2016-11-15', ...params });
  const vpcId = xmlValue(await ec2({ Action: 'CreateVpc', CidrBlock: '10.20.0.0/16' }), 'vpcId');
  /** @type {string[]} */
  const subnetIds = [];
  for (const [zone, cidr] of [
    ['a', '10.20.1.0/24'],
    ['b', '10.20.2.0/24'],
  ]) {
    const subnet = await ec2({
      Action: 'CreateSubnet',
      VpcId: vpcId,
      CidrBlock: cidr ?? '',
      AvailabilityZone: `${region}${zone}`,
    });
    subnetIds.push(xmlValue(subnet, 'subnetId'));
  }
  const group = await ec2({
    Action: 'CreateSecurityGroup',
    GroupName: 'orders-processor-sg',
    GroupDescription: 'orders-processor egress to the database',
    VpcId: vpcId,
  });
  return { vpcId, subnetIds, securityGroupIds: [xmlValue(group, 'groupId')] };
}

/**
 * @param {string} url
 * @param {string} region
 * @param {string} queueUrl
 */
async function queueArnOf(url, region, queueUrl) {
  const xml = await queryCall(url, 'sqs', region, {
    Action: 'GetQueueAttributes',
    QueueUrl: queueUrl,
    'AttributeName.1': 'QueueArn',
  });
  return xmlValue(xml, 'Value');
}

/**
 * A DynamoDB table with a stream; returns the stream's ARN.
 * @param {string} url
 * @param {string} region
 */
async function createStreamTable(url, region) {
  const table = await jsonCall(url, 'dynamodb', region, 'DynamoDB_20120810.CreateTable', {
    TableName: 'orders',
    AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
  const arn = table?.TableDescription?.LatestStreamArn;
  if (typeof arn !== 'string') throw new Error(`moto made the table without a stream: ${JSON.stringify(table)}`);
  return arn;
}

// ---------------------------------------------------------------------------------------------
// The gaps proxy
// ---------------------------------------------------------------------------------------------

/** Lambda's REST API puts a version date first in every path; moto's other services use `/`. */
const LAMBDA_PATH = /^\/\d{4}-\d{2}-\d{2}\//;
const LIST_FUNCTIONS = /^\/2015-03-31\/functions\/?$/;
const ONE_FUNCTION = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const FUNCTION_CODE = /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/;
const FUNCTION_CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const CODE_DOWNLOAD = /^\/code\/([^/]+)\.zip$/;
// moto 5.2.5 answers GetFunction with this made-up S3 host, which holds nothing (not even in moto's S3).
const MOTO_CODE_LOCATION = /^https:\/\/awslambda-[^/]+-tasks\.s3\./;
/** ListFunctions returns at most 50 functions a page, whatever MaxItems asks for. */
const PAGE_LIMIT = 50;
// Connection-level headers belong to one hop; the proxy's own connections carry their own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'expect', 'upgrade']);

/**
 * One request the proxy received.
 * @typedef {{ method: string, path: string, status: number }} ProxiedRequest
 */

/**
 * The proxy startMotoGaps runs.
 * @typedef {object} MotoGaps
 * @property {string} url where clients send Lambda requests (and any other moto request)
 * @property {number} port
 * @property {number} requests how many requests arrived so far, throttled ones and code downloads included
 * @property {ProxiedRequest[]} log every request so far, oldest first; `status` is 0 until it is answered
 * @property {(count: number) => void} conflict answer the next `count` UpdateFunctionCode requests with
 *   409 ResourceConflictException, as Lambda does while another update of the function is in progress
 * @property {(failure?: { reason: string, reasonCode: string }) => void} failUpdates from now on, a
 *   function whose code is updated reports `LastUpdateStatus: Failed` with this reason in GetFunction and
 *   GetFunctionConfiguration, as Lambda does when it cannot apply an update (moto's are always
 *   Successful); called without a failure, updates succeed again and every function reports Successful
 * @property {(count: number) => void} throttle answer the next `count` Lambda API requests with
 *   429 TooManyRequestsException (replacing any count still pending; 0 stops throttling)
 * @property {() => Promise<void>} stop closes the server and every connection
 */

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of moto that adds what moto 5.2.5 lacks for Lambda:
 * - ListFunctions pages as Lambda does (MaxItems, at most 50; opaque NextMarker; Marker resumes), in
 *   function-name order, where moto returns every function at once and ignores both parameters;
 * - GetFunction's Code.Location downloads the code, from the proxy itself, where moto's points at a
 *   made-up amazonaws.com address. The proxy keeps each ZipFile it sees in CreateFunction and
 *   UpdateFunctionCode, by CodeSha256, so each version downloads its own code; functions created
 *   past the proxy get a Location that answers 404;
 * - throttle(n): Lambda's rate limiting, which moto cannot produce.
 * Everything else is forwarded unchanged, Host header included, so URLs moto builds (SQS queue
 * URLs) lead back through the proxy.
 * @param {string} motoUrl
 * @returns {Promise<MotoGaps>}
 */
export async function startMotoGaps(motoUrl) {
  const upstream = new URL(motoUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** @type {ProxiedRequest[]} */
  const log = [];
  let throttled = 0;
  let conflicts = 0;
  /** @type {{ reason: string, reasonCode: string } | undefined} */
  let updateFailure;
  /** @type {Map<string, { reason: string, reasonCode: string }>} functions whose last update "failed", by name */
  const failedUpdates = new Map();
  /** @type {Map<string, Buffer>} zip bytes by CodeSha256 (base64, as Lambda reports it) */
  const codeBySha = new Map();
  /** @type {Map<string, string>} each function's $LATEST CodeSha256, for a download URL naming only the function */
  const shaByName = new Map();
  let base = '';

  /**
   * Sends the request to moto with `body`, at `path` (path and query).
   * @param {import('node:http').IncomingMessage} req
   * @param {Buffer} body
   * @param {string} path
   * @returns {Promise<import('node:http').IncomingMessage>}
   */
  const forward = (req, body, path) =>
    new Promise((resolve, reject) => {
      /** @type {Record<string, string | string[]>} */
      const headers = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
      }
      if (body.length > 0 || !['GET', 'HEAD', 'DELETE'].includes(req.method ?? '')) {
        headers['content-length'] = String(body.length);
      }
      const out = httpRequest(
        { hostname: upstream.hostname, port: upstream.port, method: req.method, path, headers, agent },
        resolve,
      );
      out.once('error', reject);
      out.end(body);
    });

  /**
   * Answers with moto's response as it came.
   * @param {import('node:http').IncomingMessage} up
   * @param {import('node:http').ServerResponse} res
   */
  const pipeBack = (up, res) => {
    res.writeHead(up.statusCode ?? 502, responseHeaders(up, false));
    up.pipe(res);
  };

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {number} status
   * @param {Record<string, string>} headers
   * @param {string | Buffer} body
   */
  const send = (res, status, headers, body) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
    res.end(bytes);
  };

  /**
   * A Lambda-style JSON error.
   * @param {import('node:http').ServerResponse} res
   * @param {number} status
   * @param {string} type
   * @param {Record<string, unknown>} body
   */
  const lambdaError = (res, status, type, body) =>
    send(
      res,
      status,
      { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() },
      JSON.stringify(body),
    );

  /**
   * The Code.Location for code with this CodeSha256. Its query names the exact code, as an S3
   * presigned URL names an object version; the parameters after it are there to look the part.
   * @param {string} name
   * @param {string} sha
   */
  const locationOf = (name, sha) =>
    `${base}/code/${encodeURIComponent(name)}.zip?codeSha256=${encodeURIComponent(sha)}&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600`;

  /**
   * ListFunctions, paged over moto's complete answer.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   */
  const listFunctions = async (req, res, url) => {
    const maxItems = url.searchParams.get('MaxItems');
    const marker = url.searchParams.get('Marker');
    const limit = maxItems === null ? PAGE_LIMIT : Number(maxItems);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
      // Lambda validates MaxItems before anything else, in the usual AWS validation wording.
      lambdaError(res, 400, 'ValidationException', {
        message: `1 validation error detected: Value '${maxItems ?? ''}' at 'maxItems' failed to satisfy constraint: Member must have value ${limit > 10000 ? 'less than or equal to 10000' : 'greater than or equal to 1'}`,
      });
      return;
    }
    /** @type {[string, number] | undefined} */
    let after;
    if (marker !== null) {
      after = decodeMarker(marker);
      if (!after) {
        lambdaError(res, 400, 'InvalidParameterValueException', { Type: 'User', message: 'Invalid marker.' });
        return;
      }
    }
    url.searchParams.delete('MaxItems');
    url.searchParams.delete('Marker');
    const up = await forward(req, Buffer.alloc(0), url.pathname + url.search);
    const text = (await readAll(up)).toString('utf8');
    if (up.statusCode !== 200) {
      send(res, up.statusCode ?? 502, responseHeaders(up, true), text);
      return;
    }
    /** @type {Array<{ FunctionName: string, Version?: string }>} */
    const all = JSON.parse(text).Functions;
    // Sorted by name (then version, for FunctionVersion=ALL), so a marker that names the last item
    // resumes in the right place even if functions are created or deleted between pages.
    const keyed = all.map((f) => ({ f, key: sortKey(f) })).sort((a, b) => compareKeys(a.key, b.key));
    const start = after ? keyed.findIndex(({ key }) => compareKeys(key, /** @type {[string, number]} */ (after)) > 0) : 0;
    const rest = start < 0 ? [] : keyed.slice(start);
    const page = rest.slice(0, Math.min(limit, PAGE_LIMIT));
    const last = page.at(-1);
    const body = {
      Functions: page.map(({ f }) => f),
      ...(rest.length > page.length && last ? { NextMarker: encodeMarker(last.key) } : {}),
    };
    send(res, 200, responseHeaders(up, true), JSON.stringify(body));
  };

  /**
   * GetFunction, with a Code.Location that downloads from the proxy.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   */
  const getFunction = async (req, res, url) => {
    const up = await forward(req, Buffer.alloc(0), url.pathname + url.search);
    const text = (await readAll(up)).toString('utf8');
    if (up.statusCode !== 200) {
      send(res, up.statusCode ?? 502, responseHeaders(up, true), text);
      return;
    }
    const body = JSON.parse(text);
    const name = body.Configuration?.FunctionName;
    const sha = body.Configuration?.CodeSha256;
    if (body.Configuration) withUpdateStatus(body.Configuration);
    const location = body.Code?.Location;
    // Only Zip functions whose code moto "stored" at its made-up address; ECR images keep their ImageUri.
    if (typeof name === 'string' && typeof sha === 'string' && (location === undefined || MOTO_CODE_LOCATION.test(location))) {
      body.Code = { RepositoryType: 'S3', Location: locationOf(name, sha) };
    }
    send(res, 200, responseHeaders(up, true), JSON.stringify(body));
  };

  /**
   * A function's configuration with the LastUpdateStatus failUpdates() decided for it.
   * @param {{ FunctionName?: string, LastUpdateStatus?: string, LastUpdateStatusReason?: string, LastUpdateStatusReasonCode?: string }} config
   */
  const withUpdateStatus = (config) => {
    const failure = config.FunctionName === undefined ? undefined : failedUpdates.get(config.FunctionName);
    if (failure === undefined) return config;
    config.LastUpdateStatus = 'Failed';
    config.LastUpdateStatusReason = failure.reason;
    config.LastUpdateStatusReasonCode = failure.reasonCode;
    return config;
  };

  /**
   * GetFunctionConfiguration, with the LastUpdateStatus failUpdates() decided.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   */
  const getConfiguration = async (req, res, url) => {
    const up = await forward(req, Buffer.alloc(0), url.pathname + url.search);
    const text = (await readAll(up)).toString('utf8');
    if (up.statusCode !== 200) {
      send(res, up.statusCode ?? 502, responseHeaders(up, true), text);
      return;
    }
    send(res, 200, responseHeaders(up, true), JSON.stringify(withUpdateStatus(JSON.parse(text))));
  };

  /**
   * CreateFunction and UpdateFunctionCode: forwarded, and the ZipFile kept once moto accepted it.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {Buffer} body
   */
  const takeCode = async (req, res, url, body) => {
    /** @type {{ ZipFile?: unknown, Code?: { ZipFile?: unknown }, DryRun?: boolean }} */
    let input = {};
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      // Not JSON: moto will say so.
    }
    const zipFile = input.Code?.ZipFile ?? input.ZipFile;
    const updating = req.method === 'PUT';
    if (updating && conflicts > 0) {
      conflicts--;
      const name = decodeURIComponent(FUNCTION_CODE.exec(url.pathname)?.[1] ?? '');
      return lambdaError(res, 409, 'ResourceConflictException', {
        Type: 'User',
        message: `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
      });
    }
    const up = await forward(req, body, url.pathname + url.search);
    const text = await readAll(up);
    const ok = (up.statusCode ?? 500) < 300;
    if (ok && !input.DryRun) {
      const config = JSON.parse(text.toString('utf8'));
      if (updating && updateFailure) failedUpdates.set(config.FunctionName, updateFailure);
      else failedUpdates.delete(config.FunctionName);
      if (typeof zipFile === 'string') {
        const bytes = Buffer.from(zipFile, 'base64');
        const sha = createHash('sha256').update(bytes).digest('base64');
        codeBySha.set(sha, bytes);
        shaByName.set(config.FunctionName, sha);
      } else {
        // Code from S3 or an image: the proxy has not seen it.
        shaByName.delete(config.FunctionName);
      }
    }
    send(res, up.statusCode ?? 502, responseHeaders(up, true), text);
  };

  /**
   * The code download a Location leads to; S3-like, so a missing object is a 404 NoSuchKey.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {string} name
   */
  const download = (req, res, url, name) => {
    const sha = url.searchParams.get('codeSha256') ?? shaByName.get(name);
    const bytes = sha === undefined ? undefined : codeBySha.get(sha);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }, 'Method Not Allowed');
    } else if (!bytes) {
      send(
        res,
        404,
        { 'content-type': 'application/xml' },
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${name}.zip</Key></Error>`,
      );
    } else {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(bytes.length) });
      res.end(req.method === 'HEAD' ? undefined : bytes);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    /** @type {ProxiedRequest} */
    const entry = { method: req.method ?? 'GET', path: url.pathname + url.search, status: 0 };
    log.push(entry);
    res.once('finish', () => (entry.status = res.statusCode));
    const handle = async () => {
      const codePath = CODE_DOWNLOAD.exec(url.pathname);
      if (codePath) return download(req, res, url, decodeURIComponent(codePath[1] ?? ''));
      const lambda = LAMBDA_PATH.test(url.pathname);
      if (lambda && throttled > 0) {
        throttled--;
        req.resume();
        // Lambda's answer when a caller exceeds its API request rate.
        return lambdaError(res, 429, 'TooManyRequestsException', {
          Type: 'User',
          message: 'Rate exceeded',
          Reason: 'CallerRateLimitExceeded',
        });
      }
      const body = await readAll(req);
      if (req.method === 'GET' && LIST_FUNCTIONS.test(url.pathname)) return listFunctions(req, res, url);
      if (req.method === 'GET' && ONE_FUNCTION.test(url.pathname)) return getFunction(req, res, url);
      if (req.method === 'GET' && FUNCTION_CONFIGURATION.test(url.pathname)) return getConfiguration(req, res, url);
      if (
        (req.method === 'POST' && LIST_FUNCTIONS.test(url.pathname)) ||
        (req.method === 'PUT' && FUNCTION_CODE.test(url.pathname))
      ) {
        return takeCode(req, res, url, body);
      }
      return pipeBack(await forward(req, body, url.pathname + url.search), res);
    };
    handle().catch((/** @type {unknown} */ error) => {
      // moto is down or answered something unreadable: a gateway error, as a real proxy gives.
      if (res.headersSent) res.destroy();
      else send(res, 502, { 'content-type': 'text/plain' }, `moto proxy: ${String(error)}`);
    });
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    // Port 0: the kernel picks a free port, with no window for another process to take it.
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  base = `http://127.0.0.1:${port}`;

  return {
    url: base,
    port,
    get requests() {
      return log.length;
    },
    log,
    throttle(count) {
      throttled = Math.max(0, Math.floor(count));
    },
    conflict(count) {
      conflicts = Math.max(0, Math.floor(count));
    },
    failUpdates(failure) {
      updateFailure = failure;
      if (failure === undefined) failedUpdates.clear();
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/**
 * moto's response headers for the client; without the hop-by-hop ones, and without the length
 * when the proxy sends a body of its own.
 * @param {import('node:http').IncomingMessage} up
 * @param {boolean} rewritten
 * @returns {Record<string, string | string[]>}
 */
function responseHeaders(up, rewritten) {
  /** @type {Record<string, string | string[]>} */
  const headers = {};
  for (const [name, value] of Object.entries(up.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }
  // A streamed body keeps moto's length; a rewritten one gets its own from send().
  if (!rewritten && up.headers['content-length'] !== undefined) headers['content-length'] = up.headers['content-length'];
  return headers;
}

/**
 * @param {import('node:stream').Readable} stream
 * @returns {Promise<Buffer>}
 */
async function readAll(stream) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of stream) chunks.push(/** @type {Buffer} */ (chunk));
  return Buffer.concat(chunks);
}

/**
 * Where a function sorts in ListFunctions: by name, then $LATEST before numbered versions.
 * @param {{ FunctionName: string, Version?: string }} f
 * @returns {[string, number]}
 */
function sortKey(f) {
  return [f.FunctionName, f.Version === undefined || f.Version === '$LATEST' ? 0 : Number(f.Version)];
}

/**
 * @param {[string, number]} a
 * @param {[string, number]} b
 */
function compareKeys(a, b) {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] - b[1];
}

/**
 * Markers are opaque to clients, as Lambda's are: base64url of the last key returned.
 * @param {[string, number]} key
 */
function encodeMarker(key) {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * @param {string} marker
 * @returns {[string, number] | undefined}
 */
function decodeMarker(marker) {
  try {
    const key = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8'));
    if (Array.isArray(key) && typeof key[0] === 'string' && typeof key[1] === 'number') return [key[0], key[1]];
  } catch {
    // Falls through to undefined.
  }
  return undefined;
}
