// Deploy as a person does it, against moto: "Deploy" above the handler asks once which deployed
// function to update, bundles, uploads, and says so; the function's CodeSha256 is then the
// package's, "Bundle Current Handler" gives the same bytes, and a second deploy uploads nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Browser } from 'playwright-core';
import { startMotoGaps, zipOf } from '../support/moto-account.mjs';
import { createLambdaRole, motoCredentials, motoEditorEnv, startMoto } from '../support/moto.mjs';
import { launchChromium, packagedVsixPath, startWorkbenchServer } from '../support/vscode.mjs';
import { Workbench } from './workbench';

const vsix: string = packagedVsixPath;
const REMOTE = 'hello-deployed';

describe('deploying the handler in the editor (moto)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'lwb-ui-deploy-'));
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let gaps: Awaited<ReturnType<typeof startMotoGaps>> | undefined;
  let server: Awaited<ReturnType<typeof startWorkbenchServer>> | undefined;
  let browser: Browser | undefined;
  let lambda: LambdaClient | undefined;
  let wb: Workbench;
  let seededSha = '';

  const remoteSha = async () =>
    (await lambda?.send(new GetFunctionCommand({ FunctionName: REMOTE })))?.Configuration?.CodeSha256 ?? '';
  const codeUpdates = () =>
    (gaps?.log ?? []).filter(
      (r: { method: string; path: string }) => r.method === 'PUT' && r.path.endsWith(`/functions/${REMOTE}/code`),
    ).length;

  before(async () => {
    moto = await startMoto();
    gaps = await startMotoGaps(moto.url);
    lambda = new LambdaClient({ region: 'us-east-1', endpoint: gaps.url, credentials: motoCredentials });
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: REMOTE,
        Runtime: 'nodejs22.x',
        Role: await createLambdaRole(moto.url),
        Handler: 'handler.handler',
        Code: { ZipFile: zipOf({ 'handler.js': 'exports.handler = async () => "old code";\n' }) },
      }),
    );
    seededSha = created.CodeSha256 ?? '';
    server = await startWorkbenchServer({
      scratch,
      vsix,
      workspaceSettings: { 'lambdaWorkbench.aws.endpointUrl': gaps.url, 'lambdaWorkbench.aws.region': 'us-east-1' },
      env: motoEditorEnv(scratch),
    });
    browser = await launchChromium();
    wb = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 900 } }));
    await wb.open(server.url);
    await wb.lambdaContainerIcon().waitFor({ timeout: 30_000 });
  });

  after(async () => {
    lambda?.destroy();
    await browser?.close();
    await server?.stop();
    await gaps?.stop();
    await moto?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The extension's log, to see why a step failed. */
  function extensionLog(): string {
    const found = execFileSync('find', [scratch, '-name', 'Lambda Workbench.log'], { encoding: 'utf8' }).trim().split('\n')[0];
    return found ? readFileSync(found, 'utf8') : 'no extension log found';
  }

  /** A lens by its whole title (a substring would also match "Invoke hello-deployed" for "Deploy"). */
  function lens(title: string) {
    const exact = new RegExp(`^\\s*${title}\\s*$`);
    return wb.page.locator('.editor-group-container.active .codelens-decoration a', { hasText: exact }).first();
  }

  test('"Deploy" asks once for the deployed function, uploads, and the CodeSha256 is the package\'s', async () => {
    await wb.openFile('handler.ts');
    await lens('Deploy').waitFor({ timeout: 60_000 });
    await lens('Deploy').click();
    const pick = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: REMOTE }).first();
    await pick.waitFor({ timeout: 30_000 });
    await pick.click();
    const done = wb.notification(new RegExp(`Deployed HelloFunction to ${REMOTE}: [\\d.]+ (B|KB|MB) in [\\d.]+ s`));
    await done.waitFor({ timeout: 60_000 }).catch(async (error: unknown) => {
      await wb.screenshot('51-deploy-failed');
      process.stderr.write(extensionLog());
      throw error;
    });
    await done.getByRole('button', { name: 'Invoke' }).waitFor();
    await wb.screenshot('50-deployed');
    assert.equal(codeUpdates(), 1, 'one UpdateFunctionCode');
    const deployed = await remoteSha();
    assert.notEqual(deployed, seededSha);
    // Remembered in the workspace, so the lens now also invokes the deployed function.
    const settings = JSON.parse(readFileSync(join(server?.workspace ?? '', '.lambda/functions.json'), 'utf8')) as {
      functions: Record<string, { remoteFunction?: string }>;
    };
    assert.equal(settings.functions['template.yaml#HelloFunction']?.remoteFunction, REMOTE);
    await lens(`Invoke ${REMOTE}`).waitFor({ timeout: 30_000 });

    // "Bundle Current Handler" writes the same package: same bytes, same CodeSha256.
    await wb.clearNotifications();
    await wb.openFile('handler.ts');
    await wb.runCommand('Lambda: Bundle Current Handler');
    const bundled = wb.notification(`CodeSha256 ${deployed}`);
    await bundled.waitFor({ timeout: 60_000 });
    const zip = join(server?.workspace ?? '', '.lambda/build/HelloFunction.zip');
    assert.ok(existsSync(zip));
  });

  test('a second deploy with nothing changed uploads nothing', async () => {
    await wb.clearNotifications();
    await wb.openFile('handler.ts');
    await lens('Deploy').click();
    await wb.notification(`${REMOTE} is already up to date with HelloFunction`).waitFor({ timeout: 60_000 });
    assert.equal(codeUpdates(), 1, 'still one UpdateFunctionCode');
  });
});
