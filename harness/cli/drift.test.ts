import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { readBaseline } from '../drift/baseline.js'
import { RegistryUnreachableError } from '../drift/errors.js'
import { DriftReport } from '../drift/report.js'
import type { DigestResolver } from '../drift/resolver.js'
import { verify } from '../verify/index.js'
import { takeWriteBaseline } from './baseline.js'
import { dockerLogins } from './docker-client.js'
import { type DriftCommandDeps, driftCommand } from './drift.js'
import { main } from './main.js'

const noEngine: DriftCommandDeps['withEngine'] = async () => {
  throw new Error('no engine in this test')
}

/** What the registry resolver throws for a name that does not resolve. */
const unreachable: DigestResolver = {
  async resolve(ref) {
    throw new RegistryUnreachableError(
      `${ref.registry}/${ref.repository}:${ref.tag}`,
      'https://registry-1.docker.io',
      'ENOTFOUND (getaddrinfo ENOTFOUND registry-1.docker.io)',
    )
  },
}

it('the committed baseline records every claim lessonproof reads in lessons/ today', async () => {
  // A new claim kind reads more of the lessons; drift can only say a claim changed if the
  // baseline has its verdict. Write it again with: lessonproof verify lessons/ --no-pull --write-baseline
  const baseline = await readBaseline('lessonproof-baseline.json')
  const recorded = baseline.documents.map((d) => ({
    path: d.path,
    ids: [...d.claims, ...d.iterations.flatMap((i) => i.claims)].map((c) => c.id).sort(),
  }))
  const result = await verify({ paths: ['lessons'] })
  const read = result.documents
    .filter((d) => !d.error)
    .map((d) => ({ path: d.path, ids: d.claims.map((c) => c.claim.id).sort() }))
    .sort((a, b) => a.path.localeCompare(b.path))
  expect(recorded).toEqual(read)
})

describe('lessonproof drift', () => {
  let cwd: string
  const out: string[] = []
  const err: string[] = []
  const run = (argv: string[], resolver: DigestResolver = unreachable) =>
    driftCommand(
      argv,
      { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} },
      { withEngine: noEngine, resolver },
    )

  beforeEach(async () => {
    out.length = 0
    err.length = 0
    cwd = await mkdtemp(join(tmpdir(), 'lessonproof-drift-cli-'))
    await cp('lessons', join(cwd, 'lessons'), { recursive: true })
    await cp('lessonproof-baseline.json', join(cwd, 'lessonproof-baseline.json'))
  })
  afterEach(() => rm(cwd, { recursive: true, force: true }))

  it("on this project's lessons/, says per image why it could not be resolved, exits 2 and writes nothing", async () => {
    await mkdir(join(cwd, 'report'))
    await writeFile(join(cwd, 'report/report.md'), 'last week\n')
    expect(await run(['lessons', '--report', 'report'])).toBe(2)
    const message = err.at(-1) ?? ''
    expect(message.split('\n').slice(0, 3)).toEqual([
      'lessonproof drift: 3 of 3 base images could not be resolved, so drift cannot say what moved; nothing was built and nothing written',
      '  python:3.12 (the base of lessons/multi-stage-builds.earlier-revision.md naive-image:latest, lessons/multi-stage-builds.md task-api:naive):',
      '    docker.io/library/python:3.12: registry unreachable at https://registry-1.docker.io: ENOTFOUND (getaddrinfo ENOTFOUND registry-1.docker.io)',
    ])
    expect(message).toContain('  python:3.12-slim (the base of ')
    expect(message).toContain('  python:3.12-alpine (the base of ')
    expect(await readdir(join(cwd, 'report'))).toEqual(['report.md'])
    expect(await readFile(join(cwd, 'report/report.md'), 'utf8')).toBe('last week\n')
    expect(out).toEqual([])
  })

  it('says nothing moved and writes the four report files', async () => {
    const baseline = JSON.parse(await readFile(join(cwd, 'lessonproof-baseline.json'), 'utf8'))
    // The same course, as if its images had been pulled from a registry that answers.
    const digest = `sha256:${'4'.repeat(64)}`
    for (const doc of baseline.documents)
      for (const it of doc.iterations) for (const b of it.baseImages) b.digest = digest
    await writeFile(join(cwd, 'lessonproof-baseline.json'), JSON.stringify(baseline))
    const same: DigestResolver = {
      async resolve(ref) {
        return {
          kind: 'tag',
          reference: `${ref.repository}:${ref.tag}`,
          digest,
          mediaType: '',
          platforms: [],
          via: 'registry',
        }
      },
    }
    expect(await run(['lessons', '--report', 'out'], same)).toBe(0)
    expect(out.join('\n')).toMatch(
      /^lessonproof drift: Nothing moved: every base image is where the baseline found it \(3 base images, \d+\.\d s\)/,
    )
    expect((await readdir(join(cwd, 'out'))).sort()).toEqual([
      'report.html',
      'report.json',
      'report.md',
      'suggested.patch',
    ])
    const report = DriftReport.parse(JSON.parse(await readFile(join(cwd, 'out/report.json'), 'utf8')))
    expect(report.outcome).toBe('unchanged')
    expect(await readFile(join(cwd, 'out/suggested.patch'), 'utf8')).toBe('')
  })

  it('refuses a missing baseline, one of an older version, and bad usage, with exit 2', async () => {
    expect(await run(['lessons', '--baseline', 'none.json'])).toBe(2)
    expect(err.at(-1)).toBe(
      `lessonproof drift: ${join(cwd, 'none.json')}: no baseline here; write one first (lessonproof verify --write-baseline)`,
    )
    await writeFile(join(cwd, 'old.json'), '{"version":0,"documents":[]}')
    expect(await run(['lessons', '--baseline', 'old.json'])).toBe(2)
    expect(err.at(-1)).toContain('old.json: written by an older lessonproof (baseline version 0)')
    expect(await readFile(join(cwd, 'old.json'), 'utf8')).toBe('{"version":0,"documents":[]}')
    expect(await run(['--via', 'carrier-pigeon'])).toBe(2)
    expect(err.at(-1)).toContain("--via takes registry or engine, got 'carrier-pigeon'")
    expect(await run(['elsewhere'])).toBe(2)
    expect(err.at(-1)).toContain('records no document under elsewhere')
  })

  it('is reached through the lessonproof command, with its own help', async () => {
    const lines: string[] = []
    expect(await main(['drift', '--help'], { out: (t) => lines.push(t), err: () => {}, cwd })).toBe(0)
    expect(lines.join('\n')).toContain(
      'exit status: 0 nothing moved, 3 images moved and every claim still holds, 1 a claim no',
    )
  })
})

describe('verify --write-baseline', () => {
  it('takes FILE when the next word is a .json file', () => {
    expect(takeWriteBaseline(['verify', 'lessons', '--write-baseline'])).toEqual({
      argv: ['verify', 'lessons'],
      file: 'lessonproof-baseline.json',
    })
    expect(takeWriteBaseline(['verify', '--write-baseline', 'base.json', 'lessons'])).toEqual({
      argv: ['verify', 'lessons'],
      file: 'base.json',
    })
    expect(takeWriteBaseline(['verify', '--write-baseline', 'lessons'])).toEqual({
      argv: ['verify', 'lessons'],
      file: 'lessonproof-baseline.json',
    })
    expect(takeWriteBaseline(['verify', '--write-baseline=x/b.json'])).toEqual({
      argv: ['verify'],
      file: 'x/b.json',
    })
    expect(takeWriteBaseline(['verify', 'lessons'])).toEqual({ argv: ['verify', 'lessons'] })
  })

  it('refuses a static run, a partial run and a lesson as the file, before anything runs', async () => {
    const err: string[] = []
    const io = { out: () => {}, err: (t: string) => err.push(t), cwd: process.cwd() }
    expect(await main(['verify', 'lessons', '--static', '--write-baseline', '/tmp/x.json'], io)).toBe(2)
    expect(err.at(-1)).toContain(
      '--write-baseline records what an engine run measures; it cannot be used with --static',
    )
    expect(await main(['verify', 'lessons', '--shard', '1/2', '--write-baseline', '/tmp/x.json'], io)).toBe(2)
    expect(err.at(-1)).toContain('cannot be used with --changed or --shard')
  })
})

describe('dockerLogins', () => {
  it("reads the logins the Docker config keeps, Docker Hub's under its own name", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lessonproof-docker-config-'))
    const basic = (s: string) => Buffer.from(s).toString('base64')
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: basic('hub-user:hub-pass') },
          'registry.example:5000': { auth: basic('me:p:w') },
          'https://ghcr.io': { username: 'gh', password: 'tok' },
          'helper.example': {},
        },
        credsStore: 'desktop',
      }),
    )
    const logins = await dockerLogins({ DOCKER_CONFIG: dir })
    expect(logins('docker.io')).toEqual({ username: 'hub-user', password: 'hub-pass' })
    expect(logins('registry.example:5000')).toEqual({ username: 'me', password: 'p:w' })
    expect(logins('ghcr.io')).toEqual({ username: 'gh', password: 'tok' })
    expect(logins('helper.example')).toBeUndefined()
    expect((await dockerLogins({ DOCKER_CONFIG: join(dir, 'none') }))('docker.io')).toBeUndefined()
    await rm(dir, { recursive: true, force: true })
  })
})
