// The files a project was read from, watched, so that a change to a template, a serverless.yml,
// samconfig.toml, the saved settings or a CDK cloud assembly reads the project again. The folders
// that hold them are watched (editors save by replacing a file, which a watch on the file itself
// would lose), each change told once after the writes settle.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Project } from '../core/project/project';

/** What a change to the project's description is written to. */
const DESCRIBING = /\.(ya?ml|json|toml)$/;
const SETTLE_MS = 300;

export function watchProject(project: Project, onChange: () => void): { close(): void } {
  const files = new Set<string>([
    join(project.root, 'samconfig.toml'),
    join(project.root, 'samconfig.yaml'),
    join(project.root, '.lambda', 'functions.json'),
    ...project.functions.filter((fn) => fn.source !== 'code').map((fn) => fn.sourceFile),
    ...project.apis.map((api) => api.file),
    ...project.layers.map((layer) => layer.sourceFile),
  ]);
  const folders = new Set([...files].map((file) => dirname(file)));
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  for (const folder of folders) {
    try {
      const watcher = watch(folder, (_event, name) => {
        // A cloud assembly's folder changes whole at each synth; elsewhere only the files read count.
        const file = name === null ? undefined : join(folder, name);
        if (file === undefined || !DESCRIBING.test(file) || (!files.has(file) && basename(folder) !== 'cdk.out')) return;
        clearTimeout(timer);
        timer = setTimeout(onChange, SETTLE_MS);
      });
      watcher.on('error', () => watcher.close());
      watchers.push(watcher);
    } catch {
      // A folder that is gone (a samconfig's, say) has nothing to watch.
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
