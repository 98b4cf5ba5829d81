// Other AWS services that invoke functions: CloudWatch Logs, Cognito, CloudFront, SES, Step
// Functions, Config, CodeCommit, Alexa, Lex, IoT, Secrets Manager, CloudFormation, AppSync.
import type {
  AppSyncResolverEvent,
  CloudFormationCustomResourceCreateEvent,
  CloudFrontHeaders,
  CloudFrontRequestEvent,
  CloudFrontResponseEvent,
  CloudWatchLogsDecodedData,
  CloudWatchLogsEvent,
  CodeCommitTriggerEvent,
  IoTEvent,
  LexV2Event,
  PostConfirmationTriggerEvent,
  PreSignUpTriggerEvent,
  PreTokenGenerationTriggerEvent,
  SecretsManagerRotationEvent,
  SESEvent,
} from 'aws-lambda';
import { cloudWatchLogsData, isoSeconds, jsonParameter, objectParameter } from '../context';
import { defineTemplate, parameter, value, type EventTemplate, type GeneratorContext } from '../template';

// ---- CloudWatch Logs ------------------------------------------------------------------------

export const cloudWatchLogsSubscription = defineTemplate<CloudWatchLogsEvent>({
  id: 'cloudwatch-logs-subscription',
  service: 'Amazon CloudWatch Logs',
  title: 'Subscription filter delivery (gzipped, base64)',
  parameters: [
    parameter('logGroup', 'Log group', '/aws/lambda/checkout'),
    parameter(
      'lines',
      'Log lines, one per line (they are gzipped and base64-encoded in the event)',
      'user u-7 signed in\npayment accepted for o-1001',
    ),
    parameter('filter', 'Subscription filter name', 'errors-to-lambda'),
  ],
  generate(values, context) {
    const lines = value(this, values, 'lines')
      .split(/\r?\n/)
      .filter((line) => line !== '');
    const start = context.now.getTime();
    const decoded: CloudWatchLogsDecodedData = {
      messageType: 'DATA_MESSAGE',
      owner: context.accountId,
      logGroup: value(this, values, 'logGroup'),
      logStream: `${context.now.toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${context.hex(16)}`,
      subscriptionFilters: [value(this, values, 'filter')],
      logEvents: lines.map((message, i) => ({
        // Event ids are 56-digit decimal strings.
        id: `${start + i}${context.hex(20).replace(/[a-f]/g, '3')}`.slice(0, 56).padEnd(56, '0'),
        timestamp: start + i,
        message,
      })),
    };
    return { awslogs: { data: cloudWatchLogsData(decoded) } };
  },
});

// ---- Cognito user pools -----------------------------------------------------------------------

function cognitoCommon(context: GeneratorContext, userName: string) {
  return {
    version: '1',
    region: context.region,
    userPoolId: `${context.region}_${context.hex(5).slice(0, 9)}`,
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: context.hex(13).slice(0, 26) },
  };
}

const cognitoParameters = [
  parameter('userName', 'User name', 'jane.doe'),
  parameter('email', 'E-mail address', 'jane.doe@example.com'),
];

export const cognitoPreSignUp = defineTemplate<PreSignUpTriggerEvent>({
  id: 'cognito-pre-signup',
  service: 'Amazon Cognito user pools',
  title: 'Pre sign-up trigger',
  parameters: cognitoParameters,
  generate(values, context) {
    return {
      ...cognitoCommon(context, value(this, values, 'userName')),
      triggerSource: 'PreSignUp_SignUp',
      request: { userAttributes: { email: value(this, values, 'email') }, validationData: {} },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    };
  },
});

export const cognitoPostConfirmation = defineTemplate<PostConfirmationTriggerEvent>({
  id: 'cognito-post-confirmation',
  service: 'Amazon Cognito user pools',
  title: 'Post confirmation trigger',
  parameters: cognitoParameters,
  generate(values, context) {
    return {
      ...cognitoCommon(context, value(this, values, 'userName')),
      triggerSource: 'PostConfirmation_ConfirmSignUp',
      request: {
        userAttributes: {
          sub: context.uuid(),
          'cognito:user_status': 'CONFIRMED',
          email_verified: 'true',
          email: value(this, values, 'email'),
        },
      },
      response: {},
    };
  },
});

export const cognitoPreTokenGeneration = defineTemplate<PreTokenGenerationTriggerEvent>({
  id: 'cognito-pre-token-generation',
  service: 'Amazon Cognito user pools',
  title: 'Pre token generation trigger',
  parameters: [...cognitoParameters, parameter('groups', 'Groups, comma-separated', 'admins,editors')],
  generate(values, context) {
    return {
      ...cognitoCommon(context, value(this, values, 'userName')),
      triggerSource: 'TokenGeneration_Authentication',
      request: {
        userAttributes: { sub: context.uuid(), email_verified: 'true', email: value(this, values, 'email') },
        groupConfiguration: {
          groupsToOverride: value(this, values, 'groups')
            .split(',')
            .map((g) => g.trim())
            .filter((g) => g !== ''),
          iamRolesToOverride: [],
        },
      },
      response: { claimsOverrideDetails: {} },
    };
  },
});

// ---- CloudFront (Lambda@Edge) ---------------------------------------------------------------

function cloudFrontHeaders(headers: Record<string, string>): CloudFrontHeaders {
  return Object.fromEntries(Object.entries(headers).map(([key, text]) => [key.toLowerCase(), [{ key, value: text }]]));
}

function cloudFrontRequest(template: EventTemplate, values: Readonly<Record<string, string>>, context: GeneratorContext) {
  const distributionDomain = `d${context.hex(6)}.cloudfront.net`;
  return {
    config: {
      distributionDomainName: distributionDomain,
      distributionId: `E${context.hex(6).toUpperCase()}`,
      requestId: base64Url(context.hex(20)),
    },
    request: {
      clientIp: '203.0.113.24',
      method: value(template, values, 'method').toUpperCase(),
      uri: value(template, values, 'uri'),
      querystring: value(template, values, 'querystring'),
      headers: cloudFrontHeaders({ Host: distributionDomain, 'User-Agent': 'Amazon CloudFront', Accept: '*/*' }),
    },
  };
}

function base64Url(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url');
}

const cloudFrontParameters = [
  parameter('uri', 'Request URI', '/images/logo.png'),
  parameter('method', 'HTTP method', 'GET'),
  parameter('querystring', 'Query string', 'size=large'),
];

function requestEvent(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
  eventType: 'viewer-request' | 'origin-request',
): CloudFrontRequestEvent {
  const { config, request } = cloudFrontRequest(template, values, context);
  return {
    Records: [
      {
        cf: {
          config: { ...config, eventType },
          request:
            eventType === 'origin-request'
              ? {
                  ...request,
                  origin: {
                    s3: {
                      authMethod: 'origin-access-identity',
                      customHeaders: {},
                      domainName: 'my-site-assets.s3.amazonaws.com',
                      path: '',
                      region: context.region,
                    },
                  },
                }
              : request,
        },
      },
    ],
  };
}

function responseEvent(
  template: EventTemplate,
  values: Readonly<Record<string, string>>,
  context: GeneratorContext,
  eventType: 'viewer-response' | 'origin-response',
): CloudFrontResponseEvent {
  const { config, request } = cloudFrontRequest(template, values, context);
  return {
    Records: [
      {
        cf: {
          config: { ...config, eventType },
          request,
          response: {
            status: value(template, values, 'status'),
            statusDescription: 'OK',
            headers: cloudFrontHeaders({
              'Content-Type': 'image/png',
              'Cache-Control': 'max-age=3600',
              'Last-Modified': context.now.toUTCString(),
            }),
          },
        },
      },
    ],
  };
}

export const cloudFrontViewerRequest = defineTemplate<CloudFrontRequestEvent>({
  id: 'cloudfront-viewer-request',
  service: 'Amazon CloudFront (Lambda@Edge)',
  title: 'Viewer request',
  parameters: cloudFrontParameters,
  generate(values, context) {
    return requestEvent(this, values, context, 'viewer-request');
  },
});

export const cloudFrontOriginRequest = defineTemplate<CloudFrontRequestEvent>({
  id: 'cloudfront-origin-request',
  service: 'Amazon CloudFront (Lambda@Edge)',
  title: 'Origin request',
  parameters: cloudFrontParameters,
  generate(values, context) {
    return requestEvent(this, values, context, 'origin-request');
  },
});

export const cloudFrontViewerResponse = defineTemplate<CloudFrontResponseEvent>({
  id: 'cloudfront-viewer-response',
  service: 'Amazon CloudFront (Lambda@Edge)',
  title: 'Viewer response',
  parameters: [...cloudFrontParameters, parameter('status', 'Response status', '200')],
  generate(values, context) {
    return responseEvent(this, values, context, 'viewer-response');
  },
});

export const cloudFrontOriginResponse = defineTemplate<CloudFrontResponseEvent>({
  id: 'cloudfront-origin-response',
  service: 'Amazon CloudFront (Lambda@Edge)',
  title: 'Origin response',
  parameters: [...cloudFrontParameters, parameter('status', 'Response status', '200')],
  generate(values, context) {
    return responseEvent(this, values, context, 'origin-response');
  },
});

// ---- SES ----------------------------------------------------------------------------------

export const sesReceipt = defineTemplate<SESEvent>({
  id: 'ses-receipt',
  service: 'Amazon SES',
  title: 'E-mail received (receipt rule)',
  parameters: [
    parameter('from', 'Sender', 'customer@example.com'),
    parameter('to', 'Recipient', 'support@example.org'),
    parameter('subject', 'Subject', 'Where is my order?'),
  ],
  generate(values, context) {
    const from = value(this, values, 'from');
    const to = value(this, values, 'to');
    const subject = value(this, values, 'subject');
    const messageId = context.hex(16);
    const date = context.now.toUTCString();
    const pass = { status: 'PASS' as const };
    return {
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp: context.now.toISOString(),
              source: from,
              messageId,
              destination: [to],
              headersTruncated: false,
              headers: [
                { name: 'From', value: from },
                { name: 'To', value: to },
                { name: 'Subject', value: subject },
                { name: 'Date', value: date },
              ],
              commonHeaders: { returnPath: from, from: [from], date, to: [to], messageId: `<${messageId}@example.com>`, subject },
            },
            receipt: {
              timestamp: context.now.toISOString(),
              processingTimeMillis: 320,
              recipients: [to],
              spamVerdict: pass,
              virusVerdict: pass,
              spfVerdict: pass,
              dkimVerdict: pass,
              dmarcVerdict: pass,
              action: {
                type: 'Lambda',
                functionArn: `arn:aws:lambda:${context.region}:${context.accountId}:function:inbound-mail`,
                invocationType: 'Event',
              },
            },
          },
        },
      ],
    };
  },
});

// ---- Step Functions, Config, CodeCommit ------------------------------------------------------

/** A Task state's input: whatever the state machine passes, here an order with its execution. @types/aws-lambda has no type for it. */
export interface StepFunctionsTaskInput {
  readonly [key: string]: unknown;
  readonly execution: { readonly id: string; readonly name: string; readonly startTime: string; readonly stateMachine: string };
}

export const stepFunctionsTask = defineTemplate<StepFunctionsTaskInput>({
  id: 'stepfunctions-task-input',
  service: 'AWS Step Functions',
  title: 'Task state input',
  parameters: [
    parameter('stateMachine', 'State machine name', 'order-fulfilment'),
    parameter('input', 'The state input (JSON object)', '{"orderId":"o-1001","items":[{"sku":"W-1","quantity":2}]}'),
  ],
  generate(values, context) {
    const stateMachine = value(this, values, 'stateMachine');
    const name = context.uuid();
    return {
      ...objectParameter('input', value(this, values, 'input')),
      execution: {
        id: `arn:aws:states:${context.region}:${context.accountId}:execution:${stateMachine}:${name}`,
        name,
        startTime: context.now.toISOString(),
        stateMachine: `arn:aws:states:${context.region}:${context.accountId}:stateMachine:${stateMachine}`,
      },
    };
  },
});

/** An AWS Config custom rule invocation; @types/aws-lambda has no type for it. */
export interface ConfigRuleEvent {
  readonly version: string;
  readonly invokingEvent: string;
  readonly ruleParameters: string;
  readonly resultToken: string;
  readonly eventLeftScope: boolean;
  readonly executionRoleArn: string;
  readonly configRuleArn: string;
  readonly configRuleName: string;
  readonly configRuleId: string;
  readonly accountId: string;
}

export const configRule = defineTemplate<ConfigRuleEvent>({
  id: 'config-rule-change',
  service: 'AWS Config',
  title: 'Custom rule: configuration item changed',
  parameters: [
    parameter('rule', 'Rule name', 'require-bucket-encryption'),
    parameter('resourceType', 'Resource type', 'AWS::S3::Bucket'),
    parameter('resourceId', 'Resource id', 'my-uploads-bucket'),
    parameter('ruleParameters', 'Rule parameters (JSON)', '{"algorithm":"aws:kms"}'),
  ],
  generate(values, context) {
    const rule = value(this, values, 'rule');
    const resourceType = value(this, values, 'resourceType');
    const resourceId = value(this, values, 'resourceId');
    const invokingEvent = {
      configurationItem: {
        configurationItemCaptureTime: context.now.toISOString(),
        configurationItemStatus: 'OK',
        resourceType,
        resourceId,
        resourceName: resourceId,
        ARN:
          resourceType === 'AWS::S3::Bucket'
            ? `arn:aws:s3:::${resourceId}`
            : `arn:aws:config:${context.region}:${context.accountId}:${resourceId}`,
        awsRegion: context.region,
        awsAccountId: context.accountId,
        configuration: {},
        tags: {},
      },
      notificationCreationTime: context.now.toISOString(),
      messageType: 'ConfigurationItemChangeNotification',
      recordVersion: '1.3',
    };
    const ruleId = `config-rule-${context.hex(3)}`;
    return {
      version: '1.0',
      invokingEvent: JSON.stringify(invokingEvent),
      ruleParameters: JSON.stringify(jsonParameter('ruleParameters', value(this, values, 'ruleParameters'))),
      resultToken: context.uuid(),
      eventLeftScope: false,
      executionRoleArn: `arn:aws:iam::${context.accountId}:role/config-role`,
      configRuleArn: `arn:aws:config:${context.region}:${context.accountId}:config-rule/${ruleId}`,
      configRuleName: rule,
      configRuleId: ruleId,
      accountId: context.accountId,
    };
  },
});

export const codeCommitPush = defineTemplate<CodeCommitTriggerEvent>({
  id: 'codecommit-push',
  service: 'AWS CodeCommit',
  title: 'Push to a branch (repository trigger)',
  parameters: [parameter('repository', 'Repository name', 'checkout-service'), parameter('branch', 'Branch', 'main')],
  generate(values, context) {
    const repository = value(this, values, 'repository');
    return {
      Records: [
        {
          awsRegion: context.region,
          codecommit: { references: [{ commit: context.hex(20), ref: `refs/heads/${value(this, values, 'branch')}` }] },
          customData: '',
          eventId: context.uuid(),
          eventName: 'ReferenceChanges',
          eventPartNumber: 1,
          eventSource: 'aws:codecommit',
          eventSourceARN: `arn:aws:codecommit:${context.region}:${context.accountId}:${repository}`,
          eventTime: context.now.toISOString(),
          eventTotalParts: 1,
          eventTriggerConfigId: context.uuid(),
          eventTriggerName: 'on-push',
          eventVersion: '1.0',
          userIdentityARN: `arn:aws:iam::${context.accountId}:user/developer`,
        },
      ],
    };
  },
});

// ---- Alexa and Lex --------------------------------------------------------------------------

/** An Alexa Skills Kit request envelope (the parts a skill reads); @types/aws-lambda has no type for it. */
export interface AlexaRequestEnvelope {
  readonly version: '1.0';
  readonly session: {
    readonly new: boolean;
    readonly sessionId: string;
    readonly application: { readonly applicationId: string };
    readonly attributes: Record<string, unknown>;
    readonly user: { readonly userId: string };
  };
  readonly context: {
    readonly System: {
      readonly application: { readonly applicationId: string };
      readonly user: { readonly userId: string };
      readonly apiEndpoint: string;
    };
  };
  readonly request:
    | { readonly type: 'LaunchRequest'; readonly requestId: string; readonly timestamp: string; readonly locale: string }
    | {
        readonly type: 'IntentRequest';
        readonly requestId: string;
        readonly timestamp: string;
        readonly locale: string;
        readonly dialogState: 'STARTED' | 'IN_PROGRESS' | 'COMPLETED';
        readonly intent: {
          readonly name: string;
          readonly confirmationStatus: 'NONE';
          readonly slots: Record<string, { readonly name: string; readonly value: string; readonly confirmationStatus: 'NONE' }>;
        };
      };
}

function alexaEnvelope(context: GeneratorContext, isNew: boolean): Omit<AlexaRequestEnvelope, 'request'> {
  const applicationId = `amzn1.ask.skill.${context.uuid()}`;
  const userId = `amzn1.ask.account.${context.hex(24).toUpperCase()}`;
  return {
    version: '1.0',
    session: {
      new: isNew,
      sessionId: `amzn1.echo-api.session.${context.uuid()}`,
      application: { applicationId },
      attributes: {},
      user: { userId },
    },
    context: { System: { application: { applicationId }, user: { userId }, apiEndpoint: 'https://api.amazonalexa.com' } },
  };
}

export const alexaLaunch = defineTemplate<AlexaRequestEnvelope>({
  id: 'alexa-launch-request',
  service: 'Alexa Skills Kit',
  title: 'Launch request',
  parameters: [parameter('locale', 'Locale', 'en-US')],
  generate(values, context) {
    return {
      ...alexaEnvelope(context, true),
      request: {
        type: 'LaunchRequest',
        requestId: `amzn1.echo-api.request.${context.uuid()}`,
        timestamp: isoSeconds(context.now),
        locale: value(this, values, 'locale'),
      },
    };
  },
});

export const alexaIntent = defineTemplate<AlexaRequestEnvelope>({
  id: 'alexa-intent-request',
  service: 'Alexa Skills Kit',
  title: 'Intent request with slots',
  parameters: [
    parameter('intent', 'Intent name', 'OrderStatusIntent'),
    parameter('slots', 'Slot values (JSON object)', '{"orderNumber":"1001"}'),
    parameter('locale', 'Locale', 'en-US'),
  ],
  generate(values, context) {
    const slots = Object.fromEntries(
      Object.entries(objectParameter('slots', value(this, values, 'slots'))).map(([name, slot]) => [
        name,
        { name, value: String(slot), confirmationStatus: 'NONE' as const },
      ]),
    );
    return {
      ...alexaEnvelope(context, false),
      request: {
        type: 'IntentRequest',
        requestId: `amzn1.echo-api.request.${context.uuid()}`,
        timestamp: isoSeconds(context.now),
        locale: value(this, values, 'locale'),
        dialogState: 'COMPLETED',
        intent: { name: value(this, values, 'intent'), confirmationStatus: 'NONE', slots },
      },
    };
  },
});

export const lexV2Intent = defineTemplate<LexV2Event>({
  id: 'lex-v2-intent',
  service: 'Amazon Lex V2',
  title: 'Fulfillment code hook for an intent',
  parameters: [
    parameter('intent', 'Intent name', 'BookHotel'),
    parameter('utterance', 'What the user said', 'book a hotel in Lisbon'),
    parameter('slots', 'Slot values (JSON object)', '{"City":"Lisbon"}'),
  ],
  generate(values, context) {
    const slots = Object.fromEntries(
      Object.entries(objectParameter('slots', value(this, values, 'slots'))).map(([name, slot]) => [
        name,
        {
          shape: 'Scalar' as const,
          value: { originalValue: String(slot), interpretedValue: String(slot), resolvedValues: [String(slot)] },
        },
      ]),
    );
    const intent = {
      name: value(this, values, 'intent'),
      slots,
      state: 'ReadyForFulfillment' as const,
      confirmationState: 'None' as const,
    };
    return {
      messageVersion: '1.0',
      invocationSource: 'FulfillmentCodeHook',
      inputMode: 'Text',
      responseContentType: 'text/plain; charset=utf-8',
      sessionId: context.hex(12),
      inputTranscript: value(this, values, 'utterance'),
      bot: {
        id: context.hex(5).toUpperCase(),
        name: 'TravelBot',
        aliasId: 'TSTALIASID',
        aliasName: 'TestBotAlias',
        localeId: 'en_US',
        version: 'DRAFT',
      },
      interpretations: [{ intent, nluConfidence: 0.94 }],
      proposedNextState: { dialogAction: { type: 'Close' }, intent },
      sessionState: { activeContexts: [], sessionAttributes: {}, intent, originatingRequestId: context.uuid() },
      requestAttributes: {},
      transcriptions: [
        {
          transcription: value(this, values, 'utterance'),
          transcriptionConfidence: 0.98,
          resolvedContext: { intent: intent.name },
          resolvedSlots: slots,
        },
      ],
    };
  },
});

// ---- IoT, Secrets Manager, CloudFormation, AppSync ---------------------------------------------

export const iotRule = defineTemplate<IoTEvent<Record<string, unknown>>>({
  id: 'iot-rule',
  service: 'AWS IoT Core',
  title: 'Message selected by a topic rule',
  parameters: [
    parameter(
      'message',
      'The MQTT message the rule selects (JSON object)',
      '{"deviceId":"thermostat-17","temperature":22.5,"humidity":41}',
    ),
    parameter('topic', 'Topic', 'devices/thermostat-17/telemetry'),
  ],
  generate(values, context) {
    // A rule such as SELECT *, topic() AS topic, timestamp() AS timestamp FROM 'devices/+/telemetry'.
    return {
      ...objectParameter('message', value(this, values, 'message')),
      topic: value(this, values, 'topic'),
      timestamp: context.now.getTime(),
    };
  },
});

export const secretsManagerRotation = defineTemplate<SecretsManagerRotationEvent>({
  id: 'secretsmanager-rotation',
  service: 'AWS Secrets Manager',
  title: 'Rotation step',
  parameters: [
    parameter('secret', 'Secret name', 'prod/orders/db'),
    parameter('step', 'Rotation step: createSecret, setSecret, testSecret or finishSecret', 'createSecret'),
  ],
  generate(values, context) {
    const step = value(this, values, 'step');
    if (!['createSecret', 'setSecret', 'testSecret', 'finishSecret'].includes(step)) {
      throw new Error(`The parameter "step" must be createSecret, setSecret, testSecret or finishSecret, not "${step}".`);
    }
    return {
      Step: step as SecretsManagerRotationEvent['Step'],
      SecretId: `arn:aws:secretsmanager:${context.region}:${context.accountId}:secret:${value(this, values, 'secret')}-${context.hex(3)}`,
      ClientRequestToken: context.uuid(),
      RotationToken: context.uuid(),
    };
  },
});

export const cloudFormationCreate = defineTemplate<CloudFormationCustomResourceCreateEvent>({
  id: 'cloudformation-custom-resource-create',
  service: 'AWS CloudFormation',
  title: 'Custom resource: Create',
  parameters: [
    parameter('stack', 'Stack name', 'checkout-prod'),
    parameter('resourceType', 'Custom resource type', 'Custom::DatabaseSchema'),
    parameter('properties', 'Resource properties (JSON object)', '{"Version":"3"}'),
  ],
  generate(values, context) {
    const stack = value(this, values, 'stack');
    const stackId = `arn:aws:cloudformation:${context.region}:${context.accountId}:stack/${stack}/${context.uuid()}`;
    return {
      RequestType: 'Create',
      ServiceToken: `arn:aws:lambda:${context.region}:${context.accountId}:function:custom-resource-handler`,
      ResponseURL: `https://cloudformation-custom-resource-response-${context.region.replaceAll('-', '')}.s3.amazonaws.com/${encodeURIComponent(stackId)}`,
      StackId: stackId,
      RequestId: context.uuid(),
      LogicalResourceId: 'DatabaseSchema',
      ResourceType: value(this, values, 'resourceType'),
      ResourceProperties: {
        ServiceToken: `arn:aws:lambda:${context.region}:${context.accountId}:function:custom-resource-handler`,
        ...objectParameter('properties', value(this, values, 'properties')),
      },
    };
  },
});

export const appSyncResolver = defineTemplate<AppSyncResolverEvent<Record<string, unknown>>>({
  id: 'appsync-resolver',
  service: 'AWS AppSync',
  title: 'Direct Lambda resolver',
  parameters: [
    parameter('type', 'Parent type', 'Query'),
    parameter('field', 'Field name', 'getOrder'),
    parameter('arguments', 'Field arguments (JSON object)', '{"id":"o-1001"}'),
  ],
  generate(values, context) {
    return {
      arguments: objectParameter('arguments', value(this, values, 'arguments')),
      identity: null,
      source: null,
      request: {
        headers: { host: `${context.hex(13)}.appsync-api.${context.region}.amazonaws.com`, 'content-type': 'application/json' },
        domainName: null,
      },
      info: {
        selectionSetList: ['id', 'status', 'total'],
        selectionSetGraphQL: '{ id status total }',
        parentTypeName: value(this, values, 'type'),
        fieldName: value(this, values, 'field'),
        variables: {},
      },
      prev: null,
      stash: {},
    };
  },
});

export const serviceTemplates = [
  cloudWatchLogsSubscription,
  cognitoPreSignUp,
  cognitoPostConfirmation,
  cognitoPreTokenGeneration,
  cloudFrontViewerRequest,
  cloudFrontOriginRequest,
  cloudFrontViewerResponse,
  cloudFrontOriginResponse,
  sesReceipt,
  stepFunctionsTask,
  configRule,
  codeCommitPush,
  alexaLaunch,
  alexaIntent,
  lexV2Intent,
  iotRule,
  secretsManagerRotation,
  cloudFormationCreate,
  appSyncResolver,
];
