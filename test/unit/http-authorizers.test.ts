// A Lambda authorizer's IAM policy, evaluated for the method ARN as API Gateway evaluates it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePolicy } from '../../src/core/http-api/authorizers';

const arn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/orders/42';
const statement = (Effect: string, Resource: string | string[], Action: string | string[] = 'execute-api:Invoke') => ({
  Effect,
  Resource,
  Action,
});

test('policies: an explicit Deny wins, an Allow must cover the method ARN, IAM wildcards * and ?', () => {
  assert.equal(evaluatePolicy({ Statement: [statement('Allow', arn)] }, arn), 'allow');
  assert.equal(
    evaluatePolicy({ Statement: [statement('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/*')] }, arn),
    'allow',
  );
  assert.equal(
    evaluatePolicy({ Statement: [statement('Allow', 'arn:aws:execute-api:*:*:abcdef1234/*/GET/orders/??')] }, arn),
    'allow',
  );
  assert.equal(evaluatePolicy({ Statement: [statement('Allow', 'arn:aws:execute-api:*:*:abcdef1234/*/POST/*')] }, arn), 'none');
  assert.equal(evaluatePolicy({ Statement: [statement('Allow', '*'), statement('Deny', `${arn.slice(0, -2)}*`)] }, arn), 'deny');
  assert.equal(
    evaluatePolicy({ Statement: [statement('Allow', '*', 's3:GetObject')] }, arn),
    'none',
    'another action covers nothing',
  );
  assert.equal(
    evaluatePolicy({ Statement: statement('Allow', [arn], ['execute-api:*']) }, arn),
    'allow',
    'one statement, not a list',
  );
  assert.equal(evaluatePolicy({}, arn), 'none');
});
