// The test fixtures' files whose names match, found by walking a folder of test/fixtures; for tests
// that check a rule over every fixture at once.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function fixtureFiles(name: RegExp, folder = ''): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (name.test(entry.name)) files.push(path);
    }
  };
  walk(resolve(__dirname, '../fixtures', folder));
  return files;
}
