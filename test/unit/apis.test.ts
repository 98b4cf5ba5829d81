// A project's APIs, gathered from its functions' route triggers as a SAM template declares them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { inProcessParser } from '../../src/core/discovery/find-handlers';
import { discoverWorkspace } from '../../src/core/discovery/workspace';
import { projectApis } from '../../src/core/project/apis';

const root = mkdtempSync(join(tmpdir(), 'lwb-apis-'));
after(() => rmSync(root, { recursive: true, force: true }));

const fn = (id: string, events: string[]) => [
  `  ${id}:`,
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      Handler: app.handler',
  '      Runtime: nodejs20.x',
  '      Events:',
  ...events.map((event, i) => `        E${i}: ${event}`),
];

describe('projectApis', () => {
  test("SAM's implicit APIs and named ones, each with its settings (Globals under its own) and its routes in order; a route declared twice is a problem", async () => {
    writeFileSync(
      join(root, 'template.yaml'),
      [
        'Parameters:',
        '  Stage: { Type: String, Default: dev }',
        'Globals:',
        '  Api:',
        '    Cors: "\'*\'"',
        '    BinaryMediaTypes: [image~1png]',
        '  HttpApi:',
        '    CorsConfiguration: true',
        '    Auth:',
        '      DefaultAuthorizer: Users',
        '      Authorizers:',
        '        Users: { JwtConfiguration: { issuer: https://issuer.example, audience: [app] }, IdentitySource: $request.header.Authorization }',
        'Resources:',
        '  OrdersApi:',
        '    Type: AWS::Serverless::HttpApi',
        '    Properties:',
        '      StageName: !Ref Stage',
        '      CorsConfiguration: { AllowOrigins: [https://shop.example], AllowMethods: [get, post], AllowCredentials: true, MaxAge: 600 }',
        '      Auth:',
        '        DefaultAuthorizer: Gate',
        '        EnableIamAuthorizer: true',
        '        Authorizers:',
        '          Gate: { FunctionArn: !GetAtt AuthFn.Arn, AuthorizerPayloadFormatVersion: "2.0" }',
        '  StatusApi:',
        '    Type: AWS::Serverless::Api',
        '    Properties:',
        '      Name: status',
        '      StageName: v1',
        '      Cors: { AllowOrigin: "\'https://status.example\'", AllowMethods: "\'GET,OPTIONS\'", AllowHeaders: "\'Content-Type,X-Api-Key\'", MaxAge: "\'300\'" }',
        '      Auth:',
        '        DefaultAuthorizer: Token',
        '        Authorizers:',
        '          Token: { FunctionArn: !GetAtt AuthFn.Arn }',
        '          Pool: { UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc }',
        ...fn('ListFn', [
          '{ Type: HttpApi, Properties: { Path: /orders, Method: get } }',
          '{ Type: Api, Properties: { Path: /legacy, Method: get } }',
        ]),
        ...fn('CreateFn', [
          '{ Type: HttpApi, Properties: { Path: /orders, Method: post } }',
          '{ Type: HttpApi, Properties: { Path: /admin, Method: any, ApiId: !Ref OrdersApi } }',
        ]),
        ...fn('CopyFn', ['{ Type: HttpApi, Properties: { Path: /orders, Method: get } }']),
        '  AuthFn:',
        '    Type: AWS::Serverless::Function',
        '    Properties: { Handler: auth.handler, Runtime: nodejs20.x }',
        '',
      ].join('\n'),
    );
    const found = await discoverWorkspace(root, { defaultNodeRuntime: 'nodejs22.x' }, inProcessParser);
    const { apis, problems } = projectApis(found.functions, found.apis);
    const file = join(root, 'template.yaml');
    const users = {
      name: 'Users',
      type: 'jwt',
      issuer: 'https://issuer.example',
      audience: ['app'],
      identitySources: ['header:Authorization'],
    };
    assert.deepEqual(apis, [
      {
        id: 'OrdersApi',
        kind: 'http',
        file,
        stageName: 'dev',
        cors: {
          allowOrigins: ['https://shop.example'],
          allowMethods: ['GET', 'POST'],
          allowHeaders: [],
          exposeHeaders: [],
          allowCredentials: true,
          maxAge: 600,
        },
        // Globals.HttpApi's Auth merged under its own: both authorizers, its own default.
        authorizers: [
          users,
          {
            name: 'Gate',
            type: 'lambda',
            functionName: 'AuthFn',
            identitySources: [],
            ttlSeconds: 300,
            payloadVersion: '2.0',
            simpleResponses: false,
          },
          { name: 'AWS_IAM', type: 'iam' },
        ],
        defaultAuthorizer: 'Gate',
        binaryMediaTypes: [],
        routes: [{ method: 'ANY', path: '/admin', payloadVersion: '2.0', authorizer: 'Gate', functionName: 'CreateFn' }],
      },
      {
        id: 'StatusApi',
        kind: 'rest',
        file,
        name: 'status',
        stageName: 'v1',
        cors: {
          allowOrigins: ['https://status.example'],
          allowMethods: ['GET', 'OPTIONS'],
          allowHeaders: ['Content-Type', 'X-Api-Key'],
          exposeHeaders: [],
          allowCredentials: false,
          maxAge: 300,
        },
        authorizers: [
          {
            name: 'Token',
            type: 'lambda',
            functionName: 'AuthFn',
            payloadType: 'TOKEN',
            identitySources: ['header:Authorization'],
            ttlSeconds: 300,
          },
          { name: 'Pool', type: 'cognito' },
        ],
        defaultAuthorizer: 'Token',
        binaryMediaTypes: ['image/png'],
        routes: [],
      },
      {
        id: 'ServerlessHttpApi',
        kind: 'http',
        file,
        stageName: '$default',
        cors: { allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'], exposeHeaders: [], allowCredentials: false },
        authorizers: [users],
        defaultAuthorizer: 'Users',
        binaryMediaTypes: [],
        routes: [
          { method: 'GET', path: '/orders', payloadVersion: '2.0', authorizer: 'Users', functionName: 'ListFn' },
          { method: 'POST', path: '/orders', payloadVersion: '2.0', authorizer: 'Users', functionName: 'CreateFn' },
        ],
      },
      {
        id: 'ServerlessRestApi',
        kind: 'rest',
        file,
        stageName: 'Prod',
        cors: { allowOrigins: ['*'], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false },
        authorizers: [],
        binaryMediaTypes: ['image/png'],
        routes: [{ method: 'GET', path: '/legacy', payloadVersion: '1.0', functionName: 'ListFn' }],
      },
    ]);
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [
        [
          found.functions.find((f) => f.config.name === 'CopyFn')?.sourceLine,
          'CopyFn and ListFn both declare GET /orders on the API ServerlessHttpApi, which keeps one route per method and path. ' +
            'Give one of them another path or method.',
        ],
      ],
    );
  });
});
