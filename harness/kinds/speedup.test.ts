/** A speed-up stated with a lower bound ("9+ s") against the lesson's own build logs. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { verify } from '../verify/index.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lessonproof-speedup-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const F = '```'

function lesson(uv: string, pip: string, stated: string): string {
  return [
    '# Installs',
    '',
    `${F}bash`,
    'docker build -t app:pip -f Dockerfile.pip .',
    F,
    '',
    `${F}`,
    ` => [3/3] RUN pip install --no-cache-dir -r requirements.txt          ${pip}s`,
    F,
    '',
    `${F}bash`,
    'docker build -t app:uv -f Dockerfile.uv .',
    F,
    '',
    `${F}`,
    ` => [3/3] RUN uv pip install --system --no-cache -r requirements.txt   ${uv}s`,
    F,
    '',
    `uv installed the requirements in ${stated}.`,
    '',
  ].join('\n')
}

async function staticCheck(text: string) {
  await writeFile(join(dir, 'lesson.md'), text)
  const result = await verify({ paths: ['lesson.md'], cwd: dir })
  const verdict = result.documents[0]?.claims.find((c) => c.claim.kind === 'speedup')?.verdict
  // A static run: the logs' check is made, the measured one is blocked.
  return verdict?.checks.find((c) => c.name === "agrees with the lesson's own timings")
}

it("holds a ratio its own rounding states (9 / 1.9 = 4.737, stated as 4.74) as the logs' ratio", async () => {
  const check = await staticCheck(lesson('1.9', '9.0', "1.9 seconds vs pip's 9+ seconds"))
  expect(check?.status).toBe('pass')
})

it('fails a speed-up the logs fall short of', async () => {
  const check = await staticCheck(lesson('1.9', '5.0', "1.9 seconds vs pip's 9+ seconds"))
  expect(check?.status).toBe('fail')
  expect(check?.reason).toContain('short of 4.74x')
})
