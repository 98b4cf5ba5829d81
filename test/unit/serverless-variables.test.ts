// serverless.yml variables from the environment, from files beside it, and from v4's params.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseServerless } from '../../src/core/discovery/serverless';

const folder = mkdtempSync(join(tmpdir(), 'lwb-sls-variables-'));
after(() => rmSync(folder, { recursive: true, force: true }));
writeFileSync(join(folder, 'config.dev.yml'), 'table: orders-dev\nlimits:\n  memory: 512\n');
writeFileSync(join(folder, 'shared.json'), '{ "queue": "jobs", "retries": 3 }');
writeFileSync(join(folder, 'config.js'), 'module.exports = { table: "from-js" };\n');

const service = `
service: orders
frameworkVersion: '4'
params:
  default:
    domain: api.example.test
    logLevel: info
  prod:
    domain: example.test
provider:
  name: aws
  runtime: nodejs20.x
  stage: \${opt:stage, 'dev'}
  memorySize: \${file(./config.\${sls:stage}.yml):limits.memory, 1024}
  environment:
    TABLE: \${file(./config.\${sls:stage}.yml):table}
    QUEUE: \${file(./shared.json):queue}
    RETRIES: \${file(./shared.json):retries}
    DOMAIN: \${param:domain}
    LOG_LEVEL: \${param:logLevel}
    HOME_DIR: \${env:LWB_TEST_HOME}
    REGION_OR_DEFAULT: \${env:LWB_TEST_UNSET, 'eu-west-1'}
functions:
  create:
    handler: src/create.handler
`;

function read(text: string, options: Parameters<typeof parseServerless>[2] = {}) {
  const [fn] = parseServerless(text, join(folder, 'serverless.yml'), {
    environment: { LWB_TEST_HOME: '/home/dev' },
    ...options,
  });
  assert.ok(fn);
  return fn;
}

describe('serverless.yml variables a local run can know', () => {
  test('${file()} values (nested variables in the path), ${param:} by stage then default, ${env:} with fallbacks', () => {
    const fn = read(service);
    assert.deepEqual(fn.config.environment, {
      TABLE: 'orders-dev',
      QUEUE: 'jobs',
      RETRIES: '3',
      DOMAIN: 'api.example.test',
      LOG_LEVEL: 'info',
      HOME_DIR: '/home/dev',
      REGION_OR_DEFAULT: 'eu-west-1',
    });
    assert.equal(fn.config.memoryMB, 512);
    assert.deepEqual(fn.warnings, []);
  });

  test("v4's stages.<stage>.params and stages.default.params", () => {
    const fn = read(
      [
        'service: orders',
        'stages:',
        '  default:',
        '    params: { domain: api.example.test, tier: free }',
        '  prod:',
        '    params: { domain: example.test }',
        'provider:',
        '  name: aws',
        '  runtime: nodejs20.x',
        '  stage: prod',
        '  environment: { DOMAIN: "${param:domain}", TIER: "${param:tier}" }',
        'functions:',
        '  create:',
        '    handler: src/create.handler',
        '',
      ].join('\n'),
    );
    assert.deepEqual(fn.config.environment, { DOMAIN: 'example.test', TIER: 'free' });
  });

  test("a stage's own params win over default's", () => {
    const fn = read(service.replace("${opt:stage, 'dev'}", 'prod').replace('config.${sls:stage}.yml', 'config.dev.yml'));
    assert.equal(fn.config.environment['DOMAIN'], 'example.test');
    assert.equal(fn.config.environment['LOG_LEVEL'], 'info');
  });

  test('what cannot be read locally stays as written, each with why and where to give it', () => {
    const fn = read(
      [
        'service: orders',
        'provider:',
        '  name: aws',
        '  runtime: nodejs20.x',
        '  environment:',
        '    FROM_JS: ${file(./config.js):table}',
        '    MISSING_FILE: ${file(./nowhere.yml):table}',
        '    UNSET: ${env:LWB_TEST_UNSET}',
        '    NO_PARAM: ${param:nothing}',
        '    OUTPUT: ${cf:network-dev.VpcId}',
        'functions:',
        '  create:',
        '    handler: src/create.handler',
        '',
      ].join('\n'),
    );
    assert.deepEqual(fn.warnings, [
      'functions.create.environment.FROM_JS: ${file(./config.js):table} names config.js, which is not a YAML or JSON file that can be read (a .js file is not run locally) or has no such value, so the text is kept as written; check the path and the address after it.',
      'functions.create.environment.MISSING_FILE: ${file(./nowhere.yml):table} names nowhere.yml, which is not a YAML or JSON file that can be read (a .js file is not run locally) or has no such value, so the text is kept as written; check the path and the address after it.',
      'functions.create.environment.UNSET: ${env:LWB_TEST_UNSET} names an environment variable that is not set, so the text is kept as written; set it, or give a fallback.',
      'functions.create.environment.NO_PARAM: ${param:nothing} names a parameter set neither for the stage dev nor by default, so the text is kept as written; add it to stages.<stage>.params or stages.default.params.',
      'functions.create.environment.OUTPUT: ${cf:network-dev.VpcId} is read from another stack\'s outputs at deploy, which a local run does not read, so the text is kept as written; give the value in .lambda/functions.json ("environment") or, from a terminal, an env file (--env-file).',
    ]);
    assert.equal(fn.config.environment['OUTPUT'], '${cf:network-dev.VpcId}');
  });
});
