// The same core from a terminal, for CI, benchmarks and people without VS Code.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleHandler } from './core/bundle/bundle';
import { WorkbenchError } from './core/errors';
import { NODE_RUNTIMES, isNodeRuntime } from './core/runtimes';

declare const LAMBDA_WORKBENCH_VERSION: string;

const USAGE = `Usage: lambda-workbench <command> [options]

Commands:
  bundle <handler file>   Bundle a Node.js handler with esbuild.
      --out <dir>           Output folder (default: ./dist-lambda)
      --runtime <runtime>   ${NODE_RUNTIMES.join(' | ')} (default: nodejs22.x)
      --minify              Minify the bundle.
      --no-sourcemap        Do not write a source map.
  --version               Print the version.
  --help                  Print this help.
`;

class UsageError extends WorkbenchError {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === '--version') {
    process.stdout.write(`${LAMBDA_WORKBENCH_VERSION}\n`);
    return;
  }
  if (command === 'bundle') return bundle(rest);
  throw new UsageError(`Unknown command "${command}". Run "lambda-workbench --help" to see the commands.`);
}

async function bundle(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'dist-lambda' },
      runtime: { type: 'string', default: 'nodejs22.x' },
      minify: { type: 'boolean', default: false },
      'no-sourcemap': { type: 'boolean', default: false },
    },
  });
  const [entry] = positionals;
  if (entry === undefined || positionals.length > 1) {
    throw new UsageError('bundle takes exactly one handler file, e.g. "lambda-workbench bundle src/handler.ts".');
  }
  if (!isNodeRuntime(values.runtime)) {
    throw new UsageError(`--runtime "${values.runtime}" is not a Node.js runtime; use one of ${NODE_RUNTIMES.join(', ')}.`);
  }
  const result = await bundleHandler({
    entry: resolve(entry),
    outDir: resolve(values.out),
    runtime: values.runtime,
    minify: values.minify,
    sourcemap: !values['no-sourcemap'],
    displayRoot: process.cwd(),
  });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  process.stdout.write(`${result.outFile}\t${result.bytes} bytes\t${result.durationMs.toFixed(0)} ms\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof WorkbenchError) {
    process.stderr.write(`lambda-workbench: ${error.message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  } else if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`lambda-workbench: ${error.message}. Run "lambda-workbench --help".\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `lambda-workbench: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
});
