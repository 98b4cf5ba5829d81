// A function's triggers as short labels for a tree row (`Api GET /hello`, `sqs orders`): the
// event source's kind, then the one detail that tells two of them apart. Both SAM's `Events` and
// serverless.yml's `events` are read here, from their raw (unresolved) values, because a logical
// id like `OrdersQueue` says more to a reader than the ARN it would resolve to.

type Raw = unknown;

function asRecord(value: Raw): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * A readable name for a resource reference: a logical id for `!Ref X` or `!GetAtt X.Arn`, the last
 * part of an ARN, the text of a `!Sub`; undefined when nothing short can be said.
 */
export function referenceLabel(value: Raw): string | undefined {
  if (typeof value === 'string') {
    if (!value.startsWith('arn:')) return value;
    // arn:aws:sqs:region:account:name, arn:aws:dynamodb:...:table/Name/stream/...: the resource's name.
    const resource = value.split(':').slice(5).join(':');
    const parts = resource.split('/');
    return (parts[0] === 'table' || parts[0] === 'stream' ? parts[1] : parts[parts.length - 1]) ?? resource;
  }
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const ref = record['Ref'];
  if (typeof ref === 'string') return ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  const sub = record['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  const imported = record['Fn::ImportValue'];
  return imported === undefined ? undefined : (referenceLabel(imported) ?? 'an imported value');
}

function label(...parts: (string | undefined)[]): string {
  return parts.filter((part): part is string => part !== undefined && part !== '').join(' ');
}

function pathLabel(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  return path.startsWith('/') ? path : `/${path}`;
}

/** The `source` of an EventBridge pattern: what emits the events the rule matches. */
function patternSource(pattern: Raw): string | undefined {
  const source = asRecord(pattern)?.['source'];
  if (typeof source === 'string') return source;
  return Array.isArray(source) ? source.filter((s) => typeof s === 'string').join(',') : undefined;
}

/** One SAM event (`Type` and `Properties`) as a label. */
export function samEventLabel(event: Raw): string | undefined {
  const record = asRecord(event);
  const type = record?.['Type'];
  if (typeof type !== 'string') return undefined;
  const p = asRecord(record?.['Properties']) ?? {};
  switch (type) {
    case 'Api':
      return label(type, typeof p['Method'] === 'string' ? p['Method'].toUpperCase() : undefined, pathLabel(p['Path']));
    case 'HttpApi':
      // An HttpApi event without a path is the API's catch-all `$default` route.
      return p['Path'] === undefined
        ? label(type, '$default')
        : label(type, typeof p['Method'] === 'string' ? p['Method'].toUpperCase() : 'ANY', pathLabel(p['Path']));
    case 'SQS':
      return label(type, referenceLabel(p['Queue']));
    case 'S3':
      return label(type, referenceLabel(p['Bucket']));
    case 'SNS':
      return label(type, referenceLabel(p['Topic']));
    case 'Schedule':
      return label(type, typeof p['Schedule'] === 'string' ? p['Schedule'] : undefined);
    case 'ScheduleV2':
      return label(type, typeof p['ScheduleExpression'] === 'string' ? p['ScheduleExpression'] : undefined);
    case 'EventBridgeRule':
    case 'CloudWatchEvent':
      return label(type, patternSource(p['Pattern']));
    case 'DynamoDB':
    case 'Kinesis':
    case 'DocumentDB':
    case 'MSK':
      return label(type, referenceLabel(p['Stream'] ?? p['Cluster']));
    case 'MQ':
      return label(type, referenceLabel(p['Broker']));
    case 'CloudWatchLogs':
      return label(type, referenceLabel(p['LogGroupName']));
    default:
      return type;
  }
}

/** One serverless.yml event (`- http: ...`, `- sqs: ...`) as a label. */
export function serverlessEventLabel(event: Raw): string | undefined {
  const record = asRecord(event);
  const kind = record === undefined ? undefined : Object.keys(record)[0];
  if (record === undefined || kind === undefined) return typeof event === 'string' ? event : undefined;
  const value = record[kind];
  const p = asRecord(value) ?? {};
  switch (kind) {
    case 'http':
    case 'httpApi': {
      // The short forms are `http: GET users/create` and `httpApi: 'POST /orders'` (or `'*'`).
      if (typeof value === 'string') {
        const [method, path] = value.trim().split(/\s+/);
        return label(kind, method === '*' ? '*' : method?.toUpperCase(), pathLabel(path));
      }
      const method = typeof p['method'] === 'string' ? p['method'].toUpperCase() : undefined;
      return label(kind, method === '*' ? 'ANY' : method, pathLabel(p['path']));
    }
    case 'sqs':
      return label(kind, referenceLabel(typeof value === 'string' ? value : (p['arn'] ?? p['queueName'])));
    case 'sns':
      return label(kind, referenceLabel(typeof value === 'string' ? value : (p['topicName'] ?? p['arn'])));
    case 's3':
      return label(kind, typeof value === 'string' ? value : referenceLabel(p['bucket']));
    case 'schedule': {
      const rate = typeof value === 'string' ? value : p['rate'];
      return label(kind, Array.isArray(rate) ? rate.filter((r) => typeof r === 'string').join(', ') : referenceLabel(rate));
    }
    case 'stream': {
      const arn = typeof value === 'string' ? value : p['arn'];
      const type = typeof p['type'] === 'string' ? p['type'] : typeof arn === 'string' ? arn.split(':')[2] : undefined;
      return label(kind, type, referenceLabel(arn));
    }
    case 'eventBridge':
      return label(kind, patternSource(p['pattern']));
    case 'websocket':
      return label(kind, typeof value === 'string' ? value : referenceLabel(p['route']));
    case 'alb':
      return label(kind, referenceLabel(asRecord(p['conditions'])?.['path']));
    default:
      return kind;
  }
}
