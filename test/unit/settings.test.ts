import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { SETTINGS, SETTINGS_SECTION, fullKey, readSetting } from '../../src/core/settings';

interface ManifestProperty {
  type: string;
  default: unknown;
  enum?: string[];
}
const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ManifestProperty> } };
};
const declared = manifest.contributes.configuration.properties;

describe('readSetting', () => {
  test('an unset value means the default, silently', () => {
    assert.deepEqual(readSetting(SETTINGS.bundleMinify, undefined), { value: false });
  });

  test('a valid value is used as is', () => {
    assert.deepEqual(readSetting(SETTINGS.bundleMinify, true), { value: true });
    assert.deepEqual(readSetting(SETTINGS.defaultNodeRuntime, 'nodejs20.x'), { value: 'nodejs20.x' });
  });

  test('a malformed value falls back to the default with a message naming the setting and the fix', () => {
    const reading = readSetting(SETTINGS.bundleMinify, 'yes');
    assert.equal(reading.value, false);
    assert.equal(
      reading.problem,
      'The setting "lambdaWorkbench.bundle.minify" has the value "yes", but it must be true or false. ' +
        'Lambda Workbench uses the default (false) until you correct it in Settings.',
    );
    const runtime = readSetting(SETTINGS.defaultNodeRuntime, 'nodejs8.10');
    assert.equal(runtime.value, 'nodejs22.x');
    assert.match(
      runtime.problem ?? '',
      /"lambdaWorkbench\.defaultRuntime\.node" .* must be one of "nodejs18\.x", .*"nodejs24\.x"/,
    );
  });

  test('AWS settings: an empty value means unset; a malformed profile, region or URL is named', () => {
    assert.deepEqual(readSetting(SETTINGS.awsEndpointUrl, ''), { value: '' });
    assert.deepEqual(readSetting(SETTINGS.awsEndpointUrl, ' http://127.0.0.1:4566/ '), { value: 'http://127.0.0.1:4566' });
    assert.match(
      readSetting(SETTINGS.awsEndpointUrl, 'localhost:4566').problem ?? '',
      /"lambdaWorkbench\.aws\.endpointUrl" .* must be an http:\/\/ or https:\/\/ URL/,
    );
    assert.match(readSetting(SETTINGS.awsEndpointUrl, 'ftp://x').problem ?? '', /must be an http/);
    assert.deepEqual(readSetting(SETTINGS.awsRegion, 'eu-west-1'), { value: 'eu-west-1' });
    assert.deepEqual(readSetting(SETTINGS.awsRegion, 'us-gov-west-1'), { value: 'us-gov-west-1' });
    assert.match(readSetting(SETTINGS.awsRegion, 'Ireland').problem ?? '', /must be a region such as us-east-1/);
    assert.deepEqual(readSetting(SETTINGS.awsProfile, 'dev-admin'), { value: 'dev-admin' });
    assert.match(readSetting(SETTINGS.awsProfile, 'has space').problem ?? '', /"lambdaWorkbench\.aws\.profile"/);
  });

  test('a long malformed value is shortened in the message', () => {
    const reading = readSetting(SETTINGS.bundleSourcemap, { nested: 'x'.repeat(200) });
    assert.ok((reading.problem ?? '').length < 300);
    assert.match(reading.problem ?? '', /\.\.\./);
  });
});

describe('the manifest declares exactly the settings the code reads', () => {
  test('same keys', () => {
    const inCode = Object.values(SETTINGS).map(fullKey).sort();
    const inManifest = Object.keys(declared).sort();
    assert.deepEqual(inManifest, inCode);
    assert.ok(inManifest.every((key) => key.startsWith(`${SETTINGS_SECTION}.`)));
  });

  for (const spec of Object.values(SETTINGS)) {
    test(`${fullKey(spec)}: same default, and the default is valid`, () => {
      const property = declared[fullKey(spec)];
      assert.ok(property);
      assert.deepEqual(property.default, spec.default);
      assert.equal(readSetting<unknown>(spec, spec.default).problem, undefined);
      if (spec.choices) assert.deepEqual(property.enum, [...spec.choices]);
    });
  }
});
