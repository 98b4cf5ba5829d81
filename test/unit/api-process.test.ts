// What the editor reads of start-api's announcement: each API with its routes and full URLs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servedApis } from '../../src/core/http-api/api-process';

test('the APIs start-api announces, with their routes; other lines are not routes', () => {
  const lines = [
    'warning: src/app.mjs has no handler named x',
    'Lambda Workbench emulator 0.1.0: serving 2 function(s) on http://127.0.0.1:39999',
    '  EchoFunction  nodejs20.x',
    'REST API SecureApi (stage dev): http://127.0.0.1:3000/dev',
    '  GET http://127.0.0.1:3000/dev/items/{id} -> EchoFunction',
    'HTTP API ServerlessHttpApi (stage $default): http://127.0.0.1:3001',
    '  ANY http://127.0.0.1:3001/files/{proxy+} -> EchoFunction',
    '  ANY http://127.0.0.1:3001/* ($default) -> CatchAll',
    'function URL UrlFunction: http://127.0.0.1:3002',
    '  ANY http://127.0.0.1:3002/ -> UrlFunction',
    'start-api ready: 3 API(s)',
  ];
  assert.deepEqual(servedApis(lines), [
    {
      kind: 'REST API',
      id: 'SecureApi',
      stage: 'dev',
      url: 'http://127.0.0.1:3000/dev',
      routes: [{ method: 'GET', path: '/items/{id}', url: 'http://127.0.0.1:3000/dev/items/{id}', functionName: 'EchoFunction' }],
    },
    {
      kind: 'HTTP API',
      id: 'ServerlessHttpApi',
      stage: '$default',
      url: 'http://127.0.0.1:3001',
      routes: [
        { method: 'ANY', path: '/files/{proxy+}', url: 'http://127.0.0.1:3001/files/{proxy+}', functionName: 'EchoFunction' },
        { method: 'ANY', path: '$default', url: 'http://127.0.0.1:3001', functionName: 'CatchAll' },
      ],
    },
    {
      kind: 'function URL',
      id: 'UrlFunction',
      url: 'http://127.0.0.1:3002',
      routes: [{ method: 'ANY', path: '/', url: 'http://127.0.0.1:3002/', functionName: 'UrlFunction' }],
    },
  ]);
});
