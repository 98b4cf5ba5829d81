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
  test("SAM's implicit APIs and a named one, each with its routes in order; a route declared twice is a problem", async () => {
    writeFileSync(
      join(root, 'template.yaml'),
      [
        'Resources:',
        '  OrdersApi:',
        '    Type: AWS::Serverless::HttpApi',
        ...fn('ListFn', [
          '{ Type: HttpApi, Properties: { Path: /orders, Method: get } }',
          '{ Type: Api, Properties: { Path: /legacy, Method: get } }',
        ]),
        ...fn('CreateFn', [
          '{ Type: HttpApi, Properties: { Path: /orders, Method: post } }',
          '{ Type: HttpApi, Properties: { Path: /admin, Method: any, ApiId: !Ref OrdersApi } }',
        ]),
        ...fn('CopyFn', ['{ Type: HttpApi, Properties: { Path: /orders, Method: get } }']),
        '',
      ].join('\n'),
    );
    const found = await discoverWorkspace(root, { defaultNodeRuntime: 'nodejs22.x' }, inProcessParser);
    const { apis, problems } = projectApis(found.functions);
    const file = join(root, 'template.yaml');
    assert.deepEqual(apis, [
      {
        id: 'ServerlessHttpApi',
        kind: 'http',
        file,
        routes: [
          { method: 'GET', path: '/orders', payloadVersion: '2.0', functionName: 'ListFn' },
          { method: 'POST', path: '/orders', payloadVersion: '2.0', functionName: 'CreateFn' },
        ],
      },
      {
        id: 'ServerlessRestApi',
        kind: 'rest',
        file,
        routes: [{ method: 'GET', path: '/legacy', payloadVersion: '1.0', functionName: 'ListFn' }],
      },
      {
        id: 'OrdersApi',
        kind: 'http',
        file,
        routes: [{ method: 'ANY', path: '/admin', payloadVersion: '2.0', functionName: 'CreateFn' }],
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
