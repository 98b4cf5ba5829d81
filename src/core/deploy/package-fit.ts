// Whether a deployment package can run on the function it is about to replace, decided before
// anything is uploaded: the same language, a runtime at least as new as the one the code was
// built for, and a handler string that finds its module in the package.
import type { DeploymentPackage } from '../bundle/deployment-package';
import { nodeHandlerModule } from '../handler-string';

/** What GetFunction says of the function to replace. */
export interface DeployedCode {
  readonly runtime?: string;
  readonly handler?: string;
  readonly packageType?: string;
}

const NODE_VERSION = /^nodejs(\d+)\.x$/;
const PYTHON_VERSION = /^python3\.(\d+)$/;
/** ES module handlers can import the runtime's AWS SDK from nodejs18.x on. */
const FIRST_ESM_NODE = 18;

/** Why `pkg` cannot replace the code of `functionName`, as a sentence with the next step; undefined when it can. */
export function packageMismatch(
  pkg: Pick<DeploymentPackage, 'language' | 'runtime' | 'format' | 'files'>,
  remote: DeployedCode,
  functionName: string,
): string | undefined {
  if (remote.packageType === 'Image') {
    return `${functionName} is packaged as a container image, so it takes no .zip. Build and push an image, then update the function's ImageUri.`;
  }
  const runtime = remote.runtime;
  if (runtime === undefined || runtime === '') return undefined;
  const language = pkg.language === 'nodejs' ? 'Node.js' : pkg.language === 'python' ? 'Python' : 'custom runtime';
  const expected = pkg.language === 'nodejs' ? 'nodejs' : pkg.language === 'python' ? 'python' : 'provided';
  if (!runtime.startsWith(expected)) {
    return (
      `The package holds ${language} code, but ${functionName} runs ${runtime}. ` +
      'Deploy it to a function of the same language, or check which function the local one maps to.'
    );
  }
  const built = versionOf(pkg.runtime);
  const remoteVersion = versionOf(runtime);
  if (pkg.language === 'nodejs' && pkg.format === 'esm' && remoteVersion !== undefined && remoteVersion < FIRST_ESM_NODE) {
    return (
      `The bundle is an ES module, which ${runtime} cannot load with the AWS SDK it provides. ` +
      `Update ${functionName} to nodejs${FIRST_ESM_NODE}.x or later, or make the handler CommonJS (a .cjs/.cts entry, or no "type": "module").`
    );
  }
  if (built !== undefined && remoteVersion !== undefined && built > remoteVersion) {
    return (
      `The package was built for ${pkg.runtime}, but ${functionName} runs ${runtime}, which may lack the syntax and APIs it uses. ` +
      `Build it for ${runtime} (the function's Runtime in the template, or --runtime), or update the function to ${pkg.runtime}.`
    );
  }
  return handlerMismatch(pkg, remote.handler, functionName);
}

function versionOf(runtime: string): number | undefined {
  const match = NODE_VERSION.exec(runtime) ?? PYTHON_VERSION.exec(runtime);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** The function's handler string must lead to a module of the package, or every invocation fails to import it. */
function handlerMismatch(
  pkg: Pick<DeploymentPackage, 'language' | 'files'>,
  handler: string | undefined,
  functionName: string,
): string | undefined {
  if (handler === undefined || handler === '' || pkg.language === 'custom') return undefined;
  let candidates: string[];
  let loads: string;
  if (pkg.language === 'nodejs') {
    const module = nodeHandlerModule(handler);
    if (module === undefined) return undefined;
    const base = `${module.moduleRoot}${module.moduleName}`;
    candidates = [base, `${base}.js`, `${base}.mjs`, `${base}.cjs`];
    loads = `${base}.js, .mjs or .cjs`;
  } else {
    const dot = handler.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const module = handler.slice(0, dot).replaceAll('.', '/');
    candidates = [`${module}.py`, `${module}/__init__.py`];
    loads = `${module}.py`;
  }
  if (candidates.some((candidate) => pkg.files.includes(candidate))) return undefined;
  const main = pkg.files.find((file) => /\.(m|c)?js$|\.py$/.test(file)) ?? pkg.files[0] ?? 'nothing';
  return (
    `${functionName}'s handler is "${handler}", which loads ${loads}, but the package holds ${main}. ` +
    "Change the function's handler to match the package, or deploy the local function whose handler it names."
  );
}
