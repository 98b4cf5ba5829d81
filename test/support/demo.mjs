// `npm run demo`: Lambda Workbench in a real VS Code (code-server) on the example workspace.
// Builds and packages the extension, installs the .vsix into a demo profile under .cache/, and
// serves the editor on 127.0.0.1 until Ctrl+C. Options: --port <n> (default 8080).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { installVsix, projectRoot, startCodeServer } from './vscode.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const run = (args) => execFileSync(process.execPath, args, { cwd: projectRoot, stdio: 'inherit' });

run(['test/support/setup.mjs']);
run(['esbuild.mjs', '--package', '--target', 'linux-x64']);
const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
const demo = join(projectRoot, '.cache/demo');
const extensionsDir = join(demo, 'extensions');
const userDataDir = join(demo, 'user-data');
// A fresh install each time, so the demo always shows this checkout's code.
rmSync(extensionsDir, { recursive: true, force: true });
mkdirSync(extensionsDir, { recursive: true });
await installVsix(join(projectRoot, `lambda-workbench-${version}-linux-x64.vsix`), extensionsDir, userDataDir);
const server = await startCodeServer({
  extensionsDir,
  userDataDir,
  workspace: join(projectRoot, 'examples'),
  logFile: join(demo, 'code-server.log'),
  port: Number(values.port),
});
console.log(`\nLambda Workbench is running in VS Code at ${server.url}\nOpen it in a browser; press Ctrl+C to stop.\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
