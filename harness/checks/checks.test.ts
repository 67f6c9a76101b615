import { describe, expect, it } from 'vitest'
import { extractClaims } from '../claims/index.js'
import type { Claim, ClaimKind } from '../kinds/index.js'
import type { Verdict } from '../model/index.js'
import { parseDocument } from '../parse/index.js'
import { DEFAULT_SETTINGS } from '../settings/index.js'
import { file, lesson, NAIVE, output, SLIM, shell } from '../testing.js'
import { CheckContext, checkClaim, type Family } from './index.js'

const table = (...rows: string[]) =>
  ['## Results\n', '| Version | Size | Reduction |', '|---|---|---|', ...rows, ''].join('\n')

interface Checked {
  claim: Claim
  verdict: Verdict
}

/**
 * Verifies documents of one lesson statically, as `verify` does, without touching the disk:
 * every document's claims, checked with the lesson's family as context.
 */
function check(docs: Record<string, string>): Checked[] {
  const parsed = Object.entries(docs).map(([path, text]) => parseDocument(path, text))
  const main = parsed.find((d) => d.role === 'lesson')
  const family: Family = {
    lesson: main,
    docs: parsed.map((doc) => ({ doc, claims: extractClaims(doc, main) })),
  }
  return family.docs.flatMap(({ doc, claims }) => {
    const ctx = new CheckContext(doc, claims, family, DEFAULT_SETTINGS)
    return (claims as Claim[]).map((claim) => ({ claim, verdict: checkClaim(claim, ctx) }))
  })
}

/** The one checked claim of `kind` whose title contains `title`. */
function claimOf(checked: Checked[], kind: ClaimKind, title = ''): Checked {
  const found = checked.filter((c) => c.claim.kind === kind && c.claim.title.includes(title))
  expect(
    found.map((c) => c.claim.title),
    `one ${kind} claim titled …${title}…`,
  ).toHaveLength(1)
  return found[0] as Checked
}

describe('reductions', () => {
  const verdict = (percent: string) =>
    claimOf(
      check({
        'lessons/x.md': lesson(
          NAIVE,
          SLIM,
          table('| Naive | 1.21GB | --- |', `| Slim | 458MB | ${percent} |`),
        ),
      }),
      'reduction',
    ).verdict

  it.each(['62%', '62.1%'])('1.21GB → 458MB is %s within the rounding of the sizes', (percent) => {
    expect(verdict(percent)).toMatchObject({ status: 'pass', measured: '62.15%' })
  })

  it.each(['50%', '63%'])('1.21GB → 458MB is not %s, and the reason names both sizes', (percent) => {
    const v = verdict(percent)
    expect(v.status).toBe('fail')
    expect(v.reason).toMatch(
      new RegExp(`^1\\.21GB → 458MB \\(lines \\d+ and \\d+\\) is 62\\.15%, not ${percent}$`),
    )
  })

  const range = (slimSize: string) =>
    claimOf(
      check({
        'lessons/x.md': lesson(
          'This lesson shows how to get a 70-85% size reduction.\n',
          NAIVE,
          SLIM,
          '## Results\n',
          '| Version | Size |',
          '|---|---|',
          '| Naive | 1.21GB |',
          `| Slim | ${slimSize} |`,
          '',
        ),
      }),
      'target',
      '70-85%',
    ).verdict

  it('holds a "70-85%" range to the lesson\'s own baseline and final sizes', () => {
    expect(range('250MB')).toMatchObject({ status: 'pass' })
    expect(range('250MB').reason).toContain('1.21GB → 250MB')
  })

  it('fails a "70-85%" range the lesson\'s own sizes miss', () => {
    const v = range('458MB')
    expect(v).toMatchObject({ status: 'fail', expected: '70-85%', measured: '62.1%' })
    expect(v.reason).toMatch(/1\.21GB → 458MB \(lines \d+ and \d+\): 62\.1%, below the 70-85% stated here$/)
  })
})

describe('docker history', () => {
  const history = (ownLayer: string) =>
    check({
      'lessons/x.md': lesson(
        '## Base images\n',
        '| Base Image | Size |',
        '|---|---|',
        '| python:3.12-slim | 150MB |',
        '',
        SLIM,
        shell('docker images app:slim'),
        output(
          'REPOSITORY   TAG    IMAGE ID       CREATED         SIZE',
          'app          slim   0123456789ab   2 minutes ago   458MB',
        ),
        shell('docker history app:slim'),
        output(
          'IMAGE          CREATED         CREATED BY                                     SIZE',
          `0123456789ab   2 minutes ago   RUN /bin/sh -c pip install --no-cache-dir f…   ${ownLayer}`,
          '<missing>      2 minutes ago   WORKDIR /app                                   0B',
          '<missing>      3 weeks ago     CMD ["python3"]                                0B',
          '...',
        ),
      ),
    })

  it("fails when the image's own layers plus the stated base image miss the image size", () => {
    const v = claimOf(history('50MB'), 'history').verdict
    expect(v).toMatchObject({ status: 'fail', expected: '458MB', measured: '200MB' })
    expect(v.reason).toMatch(
      /^2 layers of its own \(50MB\) \+ python:3\.12-slim \(150MB, line \d+\) = 200MB, but line \d+ says the image is 458MB/,
    )
  })

  it('passes when they add up', () => {
    expect(claimOf(history('308MB'), 'history').verdict.status).toBe('pass')
  })
})

describe('Dockerfiles and build commands', () => {
  it('fails a COPY --from that names no earlier stage', () => {
    const checked = check({
      'lessons/x.md': lesson(
        '## Multi-stage\n',
        file(
          'Dockerfile',
          'dockerfile',
          'FROM python:3.12 AS builder',
          'RUN pip install --target /deps fastapi',
          'FROM python:3.12-slim',
          'COPY --from=builder /deps /deps',
          'COPY --from=nosuchstage /app /app',
        ),
      ),
    })
    const v = claimOf(checked, 'dockerfile').verdict
    expect(v).toMatchObject({ status: 'fail', expected: 'builder, 1', measured: 'nosuchstage' })
    expect(v.reason).toMatch(/^line \d+: COPY --from=nosuchstage names no earlier stage$/)
  })

  it('fails a build command naming a Dockerfile the lesson never defines', () => {
    const checked = check({
      'lessons/x.md': lesson(NAIVE, shell('docker build -t app:v2 -f Dockerfile.v2 .')),
    })
    expect(claimOf(checked, 'build-command', 'Dockerfile.naive').verdict.status).toBe('pass')
    const v = claimOf(checked, 'build-command', 'Dockerfile.v2').verdict
    expect(v).toMatchObject({ status: 'fail', expected: 'Dockerfile.v2', measured: 'Dockerfile.naive' })
    expect(v.reason).toMatch(
      /^Dockerfile\.v2 is not defined before line \d+ \(the lesson defines Dockerfile\.naive\)$/,
    )
  })
})

describe('which image a size speaks of', () => {
  it('gives "our first image" no image where the document builds only one', () => {
    const checked = check({
      'lessons/x.md': lesson(
        NAIVE,
        'Our first image was >800MB, since it kept every wheel. Your image is 1.1GB.\n',
      ),
    })
    const sizes = checked.filter((c) => c.claim.kind === 'image-size')
    expect(sizes.map((c) => c.claim.title)).toEqual(['app:naive is 1.1GB (prose)'])
  })
})

describe('what the final image holds', () => {
  const multiStage = (...runtime: string[]) =>
    check({
      'lessons/x.md': lesson(
        '## Multi-stage\n',
        file(
          'Dockerfile.multi',
          'dockerfile',
          'FROM python:3.12-slim AS builder',
          'RUN pip install uv',
          'RUN uv pip install --system --no-cache fastapi',
          'FROM python:3.12-slim',
          'COPY --from=builder /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages',
          ...runtime,
        ),
        shell('docker build -t app:multi -f Dockerfile.multi .'),
        '\nThe runtime image has no uv.\n',
      ),
    })

  it('fails "has no uv" when the final stage copies /usr/local/bin from the stage that installed it', () => {
    const v = claimOf(
      multiStage('COPY --from=builder /usr/local/bin /usr/local/bin'),
      'contents',
      'no uv',
    ).verdict
    expect(v.status).toBe('fail')
    expect(v.reason).toBe(
      'Dockerfile.multi copies /usr/local/bin from the builder stage at line 22, and line 18 installed uv there (its executable lands in /usr/local/bin)',
    )
  })

  it('leaves "has no uv" to a measurement when nothing puts uv there', () => {
    const v = claimOf(multiStage(), 'contents', 'no uv').verdict
    expect(v.status).toBe('blocked')
    expect(v.checks.map((c) => c.status)).toEqual(['pass', 'blocked'])
  })

  it('fails an environment variable set only by RUN echo >> /etc/environment', () => {
    const checked = multiStage('RUN echo "APP_ENV=production" >> /etc/environment', 'ENV PORT=8000')
    const echoed = claimOf(checked, 'env', 'APP_ENV').verdict
    expect(echoed).toMatchObject({ status: 'fail', expected: 'APP_ENV=production', measured: 'not set' })
    expect(echoed.reason).toMatch(/^Dockerfile\.multi never sets APP_ENV with ENV/)
    // Set with ENV: nothing against it statically, and only a built image can show it.
    expect(claimOf(checked, 'env', 'PORT').verdict.status).toBe('blocked')
  })
})

describe('plain-text exports', () => {
  it('fails an export line that differs from its paragraph by one word, naming both words', () => {
    const checked = check({
      'lessons/x.md': lesson(
        'You will containerize a Task API, the pattern of your Part 6 agent.\n',
        'Small images pull faster.\n',
      ),
      'lessons/x.transcript.txt':
        'You will containerize a Task API, the pattern of your Module 6 agent.\nSmall images pull faster.\n',
    })
    const v = claimOf(checked, 'transcript', 'You will').verdict
    expect(v).toMatchObject({ status: 'fail', measured: expect.stringContaining('Module 6') })
    expect(v.reason).toMatch(
      /^differs from line \d+ of the lesson: the lesson's "Part" reads "Module" in the export$/,
    )
    expect(claimOf(checked, 'transcript', 'Small images').verdict.status).toBe('pass')
    expect(claimOf(checked, 'transcript', 'every paragraph').verdict.status).toBe('pass')
  })
})

describe('static mode', () => {
  it('blocks every claim that needs a built image, even when the lesson agrees with itself', () => {
    const checked = check({
      'lessons/x.md': lesson(
        NAIVE,
        SLIM,
        shell('docker images'),
        output(
          'REPOSITORY   TAG     IMAGE ID       CREATED         SIZE',
          'app          naive   0123456789ab   2 minutes ago   1.21GB',
          'app          slim    0123456789cd   1 minute ago    458MB',
        ),
        table('| Naive | 1.21GB | --- |', '| Slim | 458MB | 62% |'),
      ),
    })
    const sizes = checked.filter((c) => c.claim.kind === 'image-size')
    expect(sizes).toHaveLength(4)
    for (const { claim, verdict } of sizes) {
      expect(verdict.status, claim.title).toBe('blocked')
      // The sizes agree with each other; what is missing is the image.
      expect(verdict.checks.map((c) => c.status)).toEqual(['pass', 'blocked'])
      expect(verdict.reason).toMatch(/^needs a build of app:(naive|slim); this run is static \(--static\)/)
    }
    expect(claimOf(checked, 'reduction').verdict.status).toBe('pass')
  })
})
