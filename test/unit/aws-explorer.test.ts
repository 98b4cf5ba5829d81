// The pure parts of the account explorer: errors people can act on, triggers read from resource
// policies and event source mappings, alias routing, console links.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AwsError, redactSecrets, toAwsError } from '../../src/core/aws/aws-errors';
import { functionConsoleUrl } from '../../src/core/aws/console-url';
import { describeRouting, toDeployedFunction, toFunctionAlias } from '../../src/core/aws/deployed-functions';
import { parsePolicyTriggers, toEventSourceTrigger } from '../../src/core/aws/triggers';

/** An error shaped as the AWS SDK v3 shapes service errors. */
function serviceError(name: string, message: string, status: number, attempts = 1): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts } });
}

const connection = { profile: 'dev', region: 'eu-west-1' };
const listing = { doing: 'Listing the functions of eu-west-1', action: 'lambda:ListFunctions' };

describe('toAwsError', () => {
  test('access denied names the IAM action from AWS message', () => {
    const error = toAwsError(
      serviceError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetPolicy on resource: arn:aws:lambda:eu-west-1:123456789012:function:f because no identity-based policy allows the lambda:GetPolicy action',
        403,
      ),
      { doing: 'Reading the resource policy of f', action: 'lambda:GetPolicy' },
      connection,
    );
    assert.equal(error.kind, 'accessDenied');
    assert.match(error.message, /profile "dev" lacks the IAM permission lambda:GetPolicy/);
  });

  test('access denied without an action in the message names the action of the call', () => {
    const error = toAwsError(serviceError('AccessDeniedException', 'Access denied', 403), listing, connection);
    assert.match(error.message, /lacks the IAM permission lambda:ListFunctions/);
  });

  test('an expired SSO session offers aws sso login for the profile', () => {
    const cause = Object.assign(
      new Error(
        'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      { name: 'CredentialsProviderError' },
    );
    const error = toAwsError(cause, listing, connection);
    assert.equal(error.kind, 'ssoExpired');
    assert.deepEqual(error.remedy, { kind: 'ssoLogin', profile: 'dev' });
    assert.match(error.message, /Run "aws sso login --profile dev"/);
  });

  test('missing credentials point at the profile picker', () => {
    const cause = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const error = toAwsError(cause, listing, { region: 'us-east-1' });
    assert.equal(error.kind, 'noCredentials');
    assert.match(error.message, /the default credentials/);
    assert.match(error.message, /Lambda: Choose AWS Profile/);
  });

  test('a refused connection names the endpoint and the setting to check', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const error = toAwsError(cause, listing, { region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9' });
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /http:\/\/127\.0\.0\.1:9 could not be reached \(the connection was refused\)/);
    assert.match(error.message, /lambdaWorkbench\.aws\.endpointUrl/);
  });

  test('without an endpoint override the regional endpoint is named', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    const error = toAwsError(cause, listing, { region: 'cn-north-1' });
    assert.match(error.message, /https:\/\/lambda\.cn-north-1\.amazonaws\.com\.cn could not be reached/);
  });

  test('throttling reports the attempts the SDK made', () => {
    const error = toAwsError(serviceError('TooManyRequestsException', 'Rate exceeded', 429, 3), listing, connection);
    assert.equal(error.kind, 'throttled');
    assert.match(error.message, /after 3 attempts/);
  });

  test('rejected credentials and unknown functions are told apart from other failures', () => {
    assert.equal(
      toAwsError(serviceError('UnrecognizedClientException', 'The security token is invalid', 403), listing, connection).kind,
      'invalidCredentials',
    );
    assert.equal(
      toAwsError(serviceError('ResourceNotFoundException', 'Function not found: f', 404), listing, connection).kind,
      'notFound',
    );
    assert.equal(toAwsError(serviceError('ServiceException', 'oops', 500), listing, connection).kind, 'service');
  });

  test('an AwsError passes through unchanged', () => {
    const original = new AwsError('throttled', 'already explained');
    assert.equal(toAwsError(original, listing, connection), original);
  });

  test('secrets in a foreign message never reach the result', () => {
    const cause = new Error(
      'credential_process printed {"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"FwoGZXIvYXdzEXAMPLE"}',
    );
    const error = toAwsError(cause, listing, connection);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'FwoGZXIvYXdzEXAMPLE']) {
      assert.ok(!error.message.includes(secret), `the message hides ${secret.slice(0, 4)}…`);
    }
  });
});

describe('redactSecrets', () => {
  test('hides access key ids and key=value secrets, keeps the rest', () => {
    assert.equal(
      redactSecrets('key ASIAABCDEFGHIJKLMNOP and aws_secret_access_key=abc/def+ghi in file'),
      'key *** and aws_secret_access_key=*** in file',
    );
    assert.equal(redactSecrets('Function not found: orders'), 'Function not found: orders');
  });
});

describe('parsePolicyTriggers', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'api',
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/POST/orders' } },
      },
      {
        Sid: 's3',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: {
          ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' },
          StringEquals: { 'AWS:SourceAccount': '123456789012' },
        },
      },
      {
        Sid: 'sns',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:sns:us-east-1:123456789012:order-events' } },
      },
      {
        Sid: 'rule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/nightly' } },
      },
      { Sid: 'partner', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: 'lambda:InvokeFunction' },
      {
        Sid: 'url',
        Effect: 'Allow',
        Principal: '*',
        Action: 'lambda:InvokeFunctionUrl',
        Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
      },
      { Sid: 'denied', Effect: 'Deny', Principal: '*', Action: 'lambda:InvokeFunction' },
    ],
  };

  test('names each service and what in it invokes the function; the URL statement is left to the URL row', () => {
    const triggers = parsePolicyTriggers(JSON.stringify(policy));
    assert.deepEqual(
      triggers.map((t) => [t.statementId, t.service, t.source]),
      [
        ['api', 'API Gateway', 'API a1b2c3 (prod) · POST /orders'],
        ['s3', 'S3', 'bucket uploads'],
        ['sns', 'SNS', 'topic order-events'],
        ['rule', 'EventBridge', 'rule nightly'],
        ['partner', 'Account', 'arn:aws:iam::210987654321:root'],
      ],
    );
    assert.equal(triggers[1]?.sourceAccount, '123456789012');
  });

  test('a single statement object and broken JSON are handled', () => {
    const one = parsePolicyTriggers(JSON.stringify({ Statement: policy.Statement[1] }));
    assert.equal(one.length, 1);
    assert.deepEqual(parsePolicyTriggers('{not json'), []);
  });
});

describe('toEventSourceTrigger', () => {
  test('reads the service and source name from the ARN', () => {
    const sqs = toEventSourceTrigger({
      UUID: 'u1',
      EventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders-queue',
      State: 'Enabled',
      BatchSize: 10,
    });
    assert.deepEqual([sqs.service, sqs.source, sqs.state, sqs.batchSize], ['SQS', 'orders-queue', 'Enabled', 10]);
    const ddb = toEventSourceTrigger({
      UUID: 'u2',
      EventSourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000',
      State: 'Disabled',
    });
    assert.deepEqual([ddb.service, ddb.source], ['DynamoDB', 'orders']);
  });
});

describe('functions and aliases', () => {
  test('alias routing reads as versions with their shares', () => {
    const alias = toFunctionAlias({
      Name: 'live',
      FunctionVersion: '2',
      RoutingConfig: { AdditionalVersionWeights: { '1': 0.1 } },
    });
    assert.equal(describeRouting(alias), '2 (90%), 1 (10%)');
    assert.equal(describeRouting(toFunctionAlias({ Name: 'dev', FunctionVersion: '$LATEST' })), '$LATEST');
  });

  test('a function keeps the names of its environment variables, never their values', () => {
    const fn = toDeployedFunction({
      FunctionName: 'orders',
      FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
      Runtime: 'nodejs20.x',
      Environment: { Variables: { DB_PASSWORD: 'not-a-real-secret-123', TABLE: 'orders' } },
      VpcConfig: { SubnetIds: [], SecurityGroupIds: [], VpcId: '' },
    });
    assert.deepEqual(fn.environmentNames, ['DB_PASSWORD', 'TABLE']);
    assert.ok(!JSON.stringify(fn).includes('not-a-real-secret-123'));
    assert.equal(fn.vpc, undefined, 'an empty VpcConfig means no VPC');
  });
});

describe('functionConsoleUrl', () => {
  test('links to the function, a version or an alias, in each partition', () => {
    assert.equal(
      functionConsoleUrl('eu-west-1', 'orders'),
      'https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders',
    );
    assert.match(
      functionConsoleUrl('us-east-1', 'orders', { kind: 'alias', name: 'live' }),
      /#\/functions\/orders\/aliases\/live$/,
    );
    assert.match(
      functionConsoleUrl('cn-north-1', 'f', { kind: 'version', name: '3' }),
      /^https:\/\/console\.amazonaws\.cn\/.+versions\/3$/,
    );
    assert.match(functionConsoleUrl('us-gov-west-1', 'f'), /^https:\/\/console\.amazonaws-us-gov\.com\//);
  });
});
