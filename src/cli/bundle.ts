// `bundle`: a function's deployment package (or its Node.js bundle), as deploy ships it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleHandler } from '../core/bundle/bundle';
import { buildDeploymentPackage, nodeHandlerEntry, packagedBundle } from '../core/bundle/deployment-package';
import { isNodeRuntime } from '../core/runtimes';
import { UsageError } from './options';
import { PACKAGE_OPTIONS, packageTarget, packageOptions, printPackage } from './package';

export async function bundle(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...PACKAGE_OPTIONS, out: { type: 'string', default: 'dist-lambda' } },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length > 1) {
    throw new UsageError(
      'bundle takes one function or handler file, e.g. "lambda-workbench bundle HelloFunction --out hello.zip" or "lambda-workbench bundle src/handler.ts".',
    );
  }
  const target = await packageTarget(name, values);
  const out = resolve(values.out);
  if (out.endsWith('.zip')) {
    const pkg = await buildDeploymentPackage(target.config, packageOptions(target, values));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, pkg.zip);
    printPackage(pkg);
    process.stdout.write(`${out}\t${pkg.bytes} bytes\tCodeSha256 ${pkg.codeSha256}\t${pkg.durationMs.toFixed(0)} ms\n`);
    return;
  }
  const { config } = target;
  if (!isNodeRuntime(config.runtime)) {
    throw new UsageError(
      `${config.name} runs ${config.runtime}; only Node.js handlers are bundled into a folder. Pass --out <file>.zip for its deployment package.`,
    );
  }
  const located = target.entry === undefined ? nodeHandlerEntry(config) : undefined;
  const result = await bundleHandler({
    entry: target.entry ?? located?.entry ?? '',
    outDir: out,
    runtime: config.runtime,
    ...packagedBundle(config, { minify: values.minify, sourcemap: !values['no-sourcemap'] }),
    bundleAwsSdk: values['bundle-aws-sdk'],
    displayRoot: process.cwd(),
    ...(located === undefined ? {} : { codeRoot: config.codeDir, handlerModule: located.handlerModule }),
  });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`${result.outFile}\t${result.bytes} bytes\t${result.durationMs.toFixed(0)} ms\n`);
}
