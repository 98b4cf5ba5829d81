// The command line's entry: which command runs, and how a failure is told (exit code 2 for a
// command used wrongly, 1 for one that failed). The same core as the extension, for CI, scripts and
// people without VS Code.
import { WorkbenchError } from '../core/errors';
import { VERSION } from './version';
import { UsageError } from './options';
import { serve } from './serve';
import { startApi } from './start-api';
import { invoke } from './invoke';
import { project } from './project';
import { events } from './events';
import { bundle } from './bundle';
import { deploy } from './deploy';

const USAGE = `Usage: lambda-workbench <command> [options]

Every command that works on a project reads the one in the current folder: its template.yaml
(with the templates it nests), else its serverless.yml, else a CDK app's cloud assembly (cdk.out,
when cdk.json is there), else every template, serverless.yml and exported handler below it, with
the folder's .lambda/functions.json settings. Or name one:
      --template <file>     A SAM or CloudFormation template
      --config <file>       A serverless.yml
      --cdk-out <dir>       An AWS CDK cloud assembly, as "cdk synth" writes it
      --parameter-overrides "K=V K2=V2"
                            Template parameter values, over samconfig.toml's and the defaults
      --config-env <env>    samconfig.toml's environment (default: default): its template_file
                            and the parameter_overrides of its global, deploy and local sections
      --stage <stage>       serverless.yml's stage (default: its provider.stage, else dev)
      --synth               In a CDK app, run its own "cdk synth" (node_modules/.bin/cdk) first

Commands:
  project [--json]        Print what the project holds: its functions (name, runtime, handler, code
                          folder, triggers, deployed name, where each is defined), its APIs with
                          their routes, and its problems.
  serve                   Serve the project's functions over Lambda's Invoke API on 127.0.0.1,
                          like "sam local start-lambda", without Docker.
      --functions <file>    Or a JSON file {"functions": [...]} of function configurations
      --port <n>            Port (default: 3001; 0 picks a free one)
      --env-file <file>     .env file whose variables every function gets
      --region <region>     AWS_REGION the functions see (default: us-east-1)
      --profile <name>      Give the functions real AWS credentials from this profile
                            (without it they get none, and the AWS SDK in them finds none)
      --concurrency <n>     Environments per function before invocations are throttled (default: 10)
      --idle-timeout <s>    Seconds an idle environment is kept warm (default: 300)
      --json-logs           Print log records as JSON lines on stdout
      --debug <function>    Run this function (name or logical id) under a debugger: its environment
                            starts at once and waits for a debugger (Node.js inspector or debugpy)
                            on 127.0.0.1; its timeout is not enforced and its concurrency is 1
      --debug-port <n>      The debugger's port (default: 9229 for Node.js, 5678 for Python)
      --python <path>       Python interpreter for Python functions (default: python3.X of the
                            function's runtime, else python3, found on PATH)
      --build-dir <dir>     Where TypeScript handlers are bundled, one folder per function
                            (default: a new temporary folder, removed on exit)
      --exit-with-parent    Stop when standard input closes (for a parent process's child)
      --update-from-stdin   Take new function sets from standard input, one JSON line each
                            ({"id": 1, "functions": [...]}), in place: unchanged functions stay
                            warm; each is answered on standard error ("[update 1] serving N ...")
      --allow-host <name>   Also answer requests addressed to this host name (a forwarded port or a
                            tunnel); "*.example.test" allows the names below example.test. Only
                            127.0.0.1, localhost and [::1] are answered otherwise. Repeatable.
      --allow-origin <url>  Let web pages of this origin (http://localhost:5173) call the Invoke API,
                            with CORS headers; requests from web pages are refused otherwise. Repeatable.
  start-api               Serve the project's API Gateway APIs and function URLs on 127.0.0.1, each at
                          its own base URL (printed with every route), calling the functions locally.
      --port <n>            The first API's port (default 3000); the others take the next ports
      --invoke-port <n>     The Invoke API's port (default: any free port)
      --allow-host <name>   Answer requests addressed to this name too (a forwarded port). Repeatable.
      --accept-unverified-tokens
                            JWT authorizers: accept a token whose issuer's keys cannot be fetched,
                            unverified (its claims are still checked). Said loudly at start.
      and the options of serve (template, stage, env file, region, profile, debug...)
  invoke <function>       Invoke one function of the project once and print its result.
      --event <file|->      Event JSON (default: {}); "-" reads standard input
      --env-file, --region, --profile as for serve
  events list [--json]    List the sample-event templates (id, service, title).
  events generate <id> [--param name=value ...]
                          Print an event generated from a template.
  bundle <function>       Bundle a function of the project (name, logical id or deployed name), or
                          a handler file, as deploy ships it.
      --out <file.zip|dir>  A .zip: the deployment package (prints its size and CodeSha256); a folder:
                            the Node.js bundle and its source map (default: ./dist-lambda)
      --runtime <runtime>   The runtime to build for (default: the project's; for a handler file
                            nodejs22.x or python3.12)
      --minify              Minify the bundle.
      --no-sourcemap        Do not write a source map.
      --bundle-aws-sdk      Bundle the AWS SDK v3 rather than use the one the runtime provides.
  deploy <function>       Bundle a function (or handler file) and make it the code of a deployed function.
      --to <name>           The deployed function (default: the name the project gives it)
      --profile <name>      AWS profile (default: the default credential chain)
      --region <region>     Region (default: AWS_REGION, the profile's, then us-east-1)
      --endpoint-url <url>  Another endpoint than AWS's (LocalStack, moto)
      --publish             Publish a version of the new code.
      --alias <name>        Point this alias at the published version (created if missing; implies --publish).
      --s3-bucket <name>    Upload packages over 50 MB through this bucket.
      --runtime, --minify, --no-sourcemap, --bundle-aws-sdk as for bundle
  --version               Print the version.
  --help                  Print this help.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return;
  }
  if (command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  if (command === 'project') return project(rest);
  if (command === 'bundle') return bundle(rest);
  if (command === 'deploy') return deploy(rest);
  if (command === 'serve') return serve(rest);
  if (command === 'start-api') return startApi(rest);
  if (command === 'invoke') return invoke(rest);
  if (command === 'events') {
    events(rest);
    return;
  }
  throw new UsageError(`Unknown command "${command}". Run "lambda-workbench --help" to see the commands.`);
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
