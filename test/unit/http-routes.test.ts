// Route matching as API Gateway does it: static before parameter before greedy, segment by
// segment; REST picks the resource and then its method, HTTP APIs the route, then `$default`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RouteTable, type RoutePattern } from '../../src/core/http-api/routes';

const routes: RoutePattern[] = [
  { method: 'GET', path: '/items/{id}' },
  { method: 'GET', path: '/items/special' },
  { method: 'ANY', path: '/items/{id}/parts/{part}' },
  { method: 'POST', path: '/items' },
  { method: 'ANY', path: '/{proxy+}' },
  { method: 'GET', path: '/files/{path+}' },
  { method: 'DELETE', path: '/files/{path+}' },
];

const matched = (table: RouteTable<RoutePattern>, method: string, path: string) => {
  const match = table.match(method, path);
  return match === undefined ? undefined : [`${match.route.method} ${match.route.path}`, match.pathParameters];
};

describe('RouteTable', () => {
  test('static segments before parameters before greedy ones, compared from the first segment', () => {
    for (const kind of ['rest', 'http'] as const) {
      const table = new RouteTable(routes, kind);
      assert.deepEqual(matched(table, 'GET', '/items/special'), ['GET /items/special', {}]);
      assert.deepEqual(matched(table, 'GET', '/items/42'), ['GET /items/{id}', { id: '42' }]);
      assert.deepEqual(matched(table, 'PUT', '/items/42/parts/wheel'), [
        'ANY /items/{id}/parts/{part}',
        { id: '42', part: 'wheel' },
      ]);
      assert.deepEqual(matched(table, 'GET', '/files/a/b/c.txt'), ['GET /files/{path+}', { path: 'a/b/c.txt' }]);
      // A greedy parameter needs at least one segment: /files alone goes to the root proxy.
      assert.deepEqual(matched(table, 'GET', '/files'), ['ANY /{proxy+}', { proxy: 'files' }]);
      assert.deepEqual(matched(table, 'POST', '/items/'), ['POST /items', {}], 'a trailing slash is no segment');
    }
  });

  test('REST: the resource first, then its method; a resource without the method is not looked past', () => {
    const table = new RouteTable(routes, 'rest');
    assert.equal(matched(table, 'POST', '/items/42'), undefined);
    assert.equal(matched(table, 'PATCH', '/files/a'), undefined);
    assert.deepEqual(matched(table, 'POST', '/items'), ['POST /items', {}]);
    assert.deepEqual(table.methodsAt('/items/42'), ['GET']);
  });

  test('HTTP APIs: among routes that allow the method, the most specific; $default for the rest, else none', () => {
    const table = new RouteTable(routes, 'http');
    assert.deepEqual(matched(table, 'POST', '/items/42'), ['ANY /{proxy+}', { proxy: 'items/42' }]);
    assert.deepEqual(matched(table, 'PATCH', '/files/a'), ['ANY /{proxy+}', { proxy: 'files/a' }]);
    const exact = new RouteTable(
      [
        { method: 'ANY', path: '/pets' },
        { method: 'GET', path: '/pets' },
        { method: 'GET', path: '$default' },
      ],
      'http',
    );
    assert.deepEqual(matched(exact, 'GET', '/pets'), ['GET /pets', {}], 'the exact method before ANY');
    assert.deepEqual(matched(exact, 'POST', '/pets'), ['ANY /pets', {}]);
    assert.deepEqual(matched(exact, 'GET', '/anything/else'), ['GET $default', {}], '$default takes any method and path');
    assert.equal(matched(new RouteTable([{ method: 'GET', path: '/a' }], 'http'), 'GET', '/b'), undefined);
  });

  test('path parameters: HTTP APIs decode them; REST APIs pass them as sent', () => {
    const pattern = [{ method: 'GET', path: '/users/{name}' }];
    assert.deepEqual(matched(new RouteTable(pattern, 'http'), 'GET', '/users/ada%20lovelace'), [
      'GET /users/{name}',
      { name: 'ada lovelace' },
    ]);
    assert.deepEqual(matched(new RouteTable(pattern, 'rest'), 'GET', '/users/ada%20lovelace'), [
      'GET /users/{name}',
      { name: 'ada%20lovelace' },
    ]);
    assert.deepEqual(
      matched(new RouteTable(pattern, 'http'), 'GET', '/users/%E0%A4%A'),
      ['GET /users/{name}', { name: '%E0%A4%A' }],
      'bad encoding is kept as sent',
    );
  });
});
