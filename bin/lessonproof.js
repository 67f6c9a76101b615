#!/usr/bin/env node
// Entry point installed as `lessonproof`: runs the compiled CLI (built by `npm install`'s prepare step).
import { existsSync } from 'node:fs'

const entry = new URL('../dist/harness/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  process.stderr.write('lessonproof: not built yet; run `npm install` (or `npm run build`) first\n')
  process.exit(2)
}
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2))
