/**
 * The CLI as users run it: `bin/lessonproof.js`, which runs the compiled `dist/`. Built first
 * (`npm run build`) when any source under harness/ is newer than the build, so a spec that times
 * the CLI times the code it tests, without a TypeScript loader's start-up in the measurement.
 */
import { readdir, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { execa } from 'execa'

async function newestSource(dir: string): Promise<number> {
  let newest = 0
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, (await stat(path)).mtimeMs)
  }
  return newest
}

/** The path of bin/lessonproof.js, once dist/ is at least as new as every source. */
export async function compiledCli(): Promise<string> {
  const built = await stat('dist/harness/cli/main.js').then(
    (s) => s.mtimeMs,
    () => 0,
  )
  if (built < (await newestSource('harness'))) await execa('npm', ['run', 'build'])
  return resolve('bin/lessonproof.js')
}
