/**
 * What the README promises about confinement, seen from the engine and from inside: `docker
 * inspect` of a running app (pids limit, memory with swap equal to it, no capabilities,
 * no-new-privileges, the run's own internal network and no published port), the app's view of
 * itself, that it reaches no other container while a container on the default bridge does (and
 * that this machine's own listeners stay reachable, which the README says), that an app killed for memory says so with its last output, and what a RUN step of a
 * build sees (Docker's defaults: BuildKit on 20.10 applies no limit, which the README says).
 * All traffic stays on this machine: the host's own listener, reached at its bridge address.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1.
 */
import { rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { openEngineSession } from '../harness/measure/session.js'
import type { RunFacts } from '../harness/model/index.js'
import { verify } from '../harness/verify/index.js'
import {
  BASE,
  docker,
  leftOf,
  NOTHING,
  RUN_LABEL,
  runCli,
  spawnCli,
  writeFaultLesson,
} from './support/faults.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const engine = await docker(['image', 'inspect', BASE])
const unavailable = engine.exitCode === 0 ? '' : String(engine.stderr).split('\n')[0] || 'no engine'

/** Whether `container` reaches host:port within 3 s (Perl, which the base image has). */
async function reaches(container: string, host: string, port: number): Promise<boolean> {
  const probe = `use IO::Socket::INET; exit(IO::Socket::INET->new(PeerAddr=>"${host}", PeerPort=>${port}, Timeout=>3) ? 0 : 1)`
  return (await docker(['exec', container, 'perl', '-e', probe])).exitCode === 0
}

if (unavailable) {
  if (required)
    it('a Docker engine with the lab base image answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no engine or no ${BASE}: ${unavailable}`)
    })
  else it.skip(`confinement specs: no engine or no ${BASE} (${unavailable})`, () => {})
} else {
  const dirs: string[] = []
  const server = createServer((_, res) => res.end('host'))
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve))
  const port = (server.address() as AddressInfo).port
  const gateway = String(
    (await docker(['network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}'])).stdout,
  ).trim()
  afterAll(async () => {
    server.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  describe('a running app', () => {
    it('runs with the limits the README promises, and reaches no other container', async () => {
      const { dir, lesson } = writeFaultLesson({ healthDelay: 40, healthTimeout: 120 })
      dirs.push(dir)
      const run = spawnCli(['verify', lesson, '--no-pull', '--no-cache'], { cwd: dir })
      expect(await run.waitFor(/waiting for \/health/, 180_000)).toBe(true)
      let control = ''
      let listener = ''
      try {
        // This run's container, once it is created: its owner label names the run's process.
        let id = ''
        for (let tries = 0; tries < 40 && !id; tries++) {
          if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 250))
          // The owner label read in the listing itself: another spec's container may be gone by
          // the time it would be inspected.
          const rows = String(
            (
              await docker([
                'ps',
                '--filter',
                `label=${RUN_LABEL}`,
                '--format',
                '{{.ID}} {{.Label "org.lessonproof.owner"}}',
              ])
            ).stdout,
          ).split('\n')
          for (const row of rows) {
            const [candidate = '', owner = ''] = row.trim().split(' ')
            if (candidate && owner.split('/')[1] === String(run.pid)) id = candidate
          }
        }
        expect(id, 'the run has a container').not.toBe('')
        const info = JSON.parse(String((await docker(['inspect', id])).stdout))[0] as {
          HostConfig: Record<string, unknown>
          NetworkSettings: { Networks: Record<string, unknown> }
        }
        const host = info.HostConfig
        expect(host.PidsLimit).toBe(256)
        expect(host.Memory).toBe(512 * 1024 * 1024)
        expect(host.MemorySwap).toBe(host.Memory)
        expect(host.CapDrop).toEqual(['ALL'])
        expect(host.SecurityOpt).toContain('no-new-privileges')
        expect(host.Privileged).toBe(false)
        expect(host.PortBindings ?? {}).toEqual({})
        const [network] = Object.keys(info.NetworkSettings.Networks)
        expect(network).toMatch(/^lessonproof-[a-z0-9]+$/)
        const internal = String(
          (await docker(['network', 'inspect', network ?? '', '--format', '{{.Internal}}'])).stdout,
        ).trim()
        expect(internal).toBe('true')
        // The app's own view: no capabilities, no privilege gain.
        const status = String((await docker(['exec', id, 'cat', '/proc/self/status'])).stdout)
        expect(status).toMatch(/^CapEff:\s+0+$/m)
        expect(status).toMatch(/^NoNewPrivs:\s+1$/m)
        // It reaches no listener beyond its own network; a container on the default bridge reaches it.
        const listening = await docker([
          'run',
          '-d',
          '--label',
          'org.lessonproof.spec=listener',
          BASE,
          'perl',
          '-MIO::Socket::INET',
          '-e',
          '$s = IO::Socket::INET->new(LocalPort => 8080, Listen => 5, ReuseAddr => 1); while ($c = $s->accept) { close $c }',
        ])
        listener = String(listening.stdout).trim()
        const address = String(
          (await docker(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', listener])).stdout,
        ).trim()
        const started = await docker([
          'run',
          '-d',
          '--label',
          'org.lessonproof.spec=control',
          BASE,
          'sleep',
          '60',
        ])
        control = String(started.stdout).trim()
        let reached = false
        for (let tries = 0; tries < 20 && !reached; tries++) reached = await reaches(control, address, 8080)
        expect(reached, 'a container on the default bridge reaches the listener').toBe(true)
        expect(await reaches(id, address, 8080)).toBe(false)
        // What stays open, as the README says: this machine's own services that listen on every
        // address, through the network's gateway (the engine filters forwarding, not the host's input).
        expect(await reaches(id, gateway, port)).toBe(true)
      } finally {
        if (control) await docker(['rm', '-f', control])
        if (listener) await docker(['rm', '-f', listener])
        run.kill('SIGINT')
      }
      const result = await run.done
      expect(result.code, result.stderr).toBe(130)
      expect(await leftOf(result.runId ?? '')).toEqual(NOTHING)
    }, 300_000)

    it('says when the app was killed for memory, with its last output', async () => {
      const { dir, lesson } = writeFaultLesson({
        // A size Perl cannot fold at compile time: the print runs first.
        prelude:
          'print "allocating\\n"; my $mb = 300; my $hog = "x" x ($mb * 1024 * 1024); print "allocated\\n";',
      })
      dirs.push(dir)
      const run = await runCli(['verify', lesson, '--no-pull', '--no-cache', '--memory-mb', '64'], {
        cwd: dir,
      })
      expect(run.code, run.stderr).toBe(1)
      expect(run.stdout).toContain('killed for using more than its memory limit')
      expect(run.stdout).toContain('allocating')
      expect(await leftOf(run.runId ?? '')).toEqual(NOTHING)
    }, 300_000)
  })

  it("shows a RUN step Docker's defaults: BuildKit applies no limit of its own", async () => {
    const { dir, lesson } = writeFaultLesson({
      extra: [
        "RUN grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status && head -2 /proc/net/route && cat /sys/fs/cgroup/pids/pids.max",
      ],
    })
    dirs.push(dir)
    const session = await openEngineSession(
      { pull: false },
      { concurrency: 1, memoryBytes: 512 * 1024 * 1024, cpus: 1 },
      () => {},
      process.env,
    )
    let facts: RunFacts | undefined
    try {
      await verify({
        paths: [lesson],
        cwd: dir,
        engine: {
          options: session.options,
          measure: async (plan) => {
            facts = await session.measure(plan)
            return facts
          },
        },
      })
    } finally {
      expect(await session.close()).toEqual([])
    }
    const log = Object.values(facts?.iterations ?? {})[0]?.['0']?.buildLog ?? ''
    // What the README says stays open for builds.
    expect(log).toMatch(/CapEff:\s+0*a80425fb/)
    expect(log).toMatch(/NoNewPrivs:\s+0/)
    expect(log).toMatch(/Seccomp:\s+2/)
    expect(log).toMatch(/eth0\s+00000000\s/)
    expect(log).toMatch(/\bmax\b/)
  }, 300_000)
}
