/**
 * The workstation against a real engine: confined (no engine socket, no host paths but the
 * lesson's directory, no capabilities, no network), steps carry `cd` and variables, a hanging
 * step is stopped at its time limit, files the steps make are the host's, and nothing is left.
 *
 * Runs when an engine answers; skipped with the reason when none does, unless
 * LESSONPROOF_REQUIRE_ENGINE=1. The workstation image is built once (apt from Debian's archive)
 * and kept as `lessonproof-workstation:<hash>` for later runs; containers are removed by label.
 */
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Dockerode from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configureTestcontainers } from '../harness/engine/settings.js'
import {
  type DockerHandler,
  ensureWorkstationImage,
  leftBehind,
  Workstation,
  type WorkstationDockerCall,
} from '../harness/walk/index.js'

const required = process.env.LESSONPROOF_REQUIRE_ENGINE === '1'
const runId = `spec-workstation-${randomBytes(4).toString('hex')}`

let docker: Dockerode | undefined
let unavailable = ''
try {
  configureTestcontainers(process.env)
  const { getContainerRuntimeClient } = await import('testcontainers')
  docker = (await getContainerRuntimeClient()).container.dockerode
  await docker.ping()
} catch (error) {
  docker = undefined
  unavailable = (error as Error).message.split('\n')[0] ?? 'no engine'
}

/** Answers every `docker` command like a tiny engine would, and remembers it. */
function fakeEngine() {
  const calls: WorkstationDockerCall[] = []
  const handler: DockerHandler = async (call) => {
    calls.push(call)
    if (call.argv[0] === 'ps') return { stdout: 'CONTAINER ID   IMAGE   NAMES\n', stderr: '', exitCode: 0 }
    if (call.argv[0] === 'build') return { stdout: '', stderr: 'no such Dockerfile\n', exitCode: 1 }
    return { stdout: '', stderr: `unknown command ${call.argv[0]}\n`, exitCode: 125 }
  }
  return { calls, handler }
}

if (!docker) {
  if (required) {
    it('a Docker engine answers (LESSONPROOF_REQUIRE_ENGINE=1)', () => {
      throw new Error(`no Docker engine answers: ${unavailable}`)
    })
  } else {
    it.skip(`workstation specs: no Docker engine answers (${unavailable})`, () => {})
  }
} else {
  const engine = docker
  let image = ''
  const temps: string[] = []
  const stations: Workstation[] = []

  const start = async (handler: DockerHandler, settings: { stepTimeoutMs?: number; user?: string } = {}) => {
    const lessonDir = await mkdtemp(join(tmpdir(), 'lessonproof-walk-spec-'))
    // Another user than the host's needs to write the lesson's directory.
    if (settings.user) await chmod(lessonDir, 0o777)
    temps.push(lessonDir)
    const station = await Workstation.start(
      { image, lessonDir, runId, ...settings },
      { docker: engine, onDocker: handler },
    )
    stations.push(station)
    return { station, lessonDir }
  }

  beforeAll(async () => {
    image = await ensureWorkstationImage(engine, { log: (line) => process.stderr.write(`${line}\n`) })
  }, 600_000)

  afterAll(async () => {
    for (const s of stations) await s.close()
    for (const dir of temps) await rm(dir, { recursive: true, force: true })
  })

  describe('the workstation', () => {
    it('cannot see the host: no engine socket, no host paths, no capabilities, no network', async () => {
      const { calls, handler } = fakeEngine()
      const { station } = await start(handler)
      const socket = await station.run({
        command: 'ls -la /var/run/docker.sock /run/docker.sock 2>&1; command -v docker',
      })
      expect(socket.stdout).toContain("cannot access '/var/run/docker.sock': No such file or directory")
      expect(socket.stdout).toContain("cannot access '/run/docker.sock': No such file or directory")
      expect(socket.stdout.trim().split('\n').at(-1)).toBe('/run/lessonproof/bin/docker')

      const status = await station.run({
        command: 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status',
      })
      expect(status.stdout).toMatch(/CapPrm:\s+0000000000000000/)
      expect(status.stdout).toMatch(/CapEff:\s+0000000000000000/)
      expect(status.stdout).toMatch(/CapBnd:\s+0000000000000000/)
      expect(status.stdout).toMatch(/NoNewPrivs:\s+1/)

      // Every mount point, and the only one from the host beyond Docker's own /etc files: /lesson.
      const mounts = await station.run({ command: "awk '{print $5}' /proc/self/mountinfo | sort -u" })
      const points = mounts.stdout.trim().split('\n')
      const own = (p: string) =>
        p === '/' ||
        /^\/(proc|sys|dev)(\/|$)/.test(p) ||
        ['/etc/hosts', '/etc/hostname', '/etc/resolv.conf', '/run/lessonproof'].includes(p)
      expect(points.filter((p) => !own(p))).toEqual(['/lesson'])
      expect(
        (await station.run({ command: 'test -e /work || test -e /var/lib/docker; echo $?' })).stdout,
      ).toBe('1\n')

      expect((await station.run({ command: 'ls /sys/class/net' })).stdout).toBe('lo\n')
      const reach = await station.run({
        command: 'curl -sS --max-time 3 http://127.0.0.1:9/ 2>&1; echo "exit $?"',
      })
      expect(reach.stdout).toMatch(/exit 7/)

      // `docker` is lessonproof's: the handler answers, with the step's arguments.
      const ps = await station.run({ command: 'docker ps --format "{{.Names}}"' })
      expect(ps).toMatchObject({ exitCode: 0, stdout: 'CONTAINER ID   IMAGE   NAMES\n' })
      expect(ps.dockerCalls).toEqual([{ argv: ['ps', '--format', '{{.Names}}'], exitCode: 0 }])
      expect(calls[0]?.argv).toEqual(['ps', '--format', '{{.Names}}'])
    }, 60_000)

    it('carries cd and variables between steps; files the steps make are the host’s', async () => {
      const { calls, handler } = fakeEngine()
      const { station, lessonDir } = await start(handler)
      await station.run({ command: 'mkdir -p task-api/src && cd task-api' })
      await station.run({ command: 'export GREETING=hello\nNAME=world' })
      const third = await station.run({
        command: 'cd src && echo "$GREETING $NAME from $(pwd)" > out.txt && cat out.txt',
      })
      expect(third).toMatchObject({ status: 'exited', exitCode: 0, cwd: '/lesson/task-api/src' })
      expect(third.stdout).toBe('hello world from /lesson/task-api/src\n')
      expect(await readFile(join(lessonDir, 'task-api', 'src', 'out.txt'), 'utf8')).toBe(
        'hello world from /lesson/task-api/src\n',
      )
      // The file belongs to the host's user, so the host can clean it up.
      expect((await stat(join(lessonDir, 'task-api', 'src', 'out.txt'))).uid).toBe(process.getuid?.())

      // A compiled program, as a lesson builds one before its Dockerfile copies it.
      const cc = await station.run({
        command:
          'cat > hello.c <<\'EOF\'\n#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\nEOF\ngcc -Os -o hello hello.c && ./hello',
      })
      expect(cc).toMatchObject({ exitCode: 0, stdout: 'hi\n' })

      // A docker command's directory is mapped to the host's, and its failure is the step's.
      const build = await station.run({ command: 'docker build -t task-api:1 .' })
      expect(build).toMatchObject({ exitCode: 1, stderr: 'no such Dockerfile\n' })
      expect(calls.at(-1)).toMatchObject({
        cwd: '/lesson/task-api/src',
        hostCwd: join(lessonDir, 'task-api', 'src'),
      })
    }, 60_000)

    it('stops a hanging step at its time limit, with what it started, and goes on', async () => {
      const { handler } = fakeEngine()
      const { station } = await start(handler, { stepTimeoutMs: 2_000 })
      const started = Date.now()
      const hung = await station.run({ command: 'echo before; sleep 300 & sleep 600' })
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(hung).toMatchObject({ status: 'timed-out', exitCode: null, stdout: 'before\n' })
      expect(hung.reason).toBe('did not finish within 2 s; stopped with everything it started')
      const after = await station.run({ command: 'ps -eo comm= | grep -c "^sleep$" || true' })
      expect(after).toMatchObject({ status: 'exited', stdout: '0\n' })
      // What was killed is reaped: no zombies in the workstation.
      const zombies = await station.run({
        command: '(sleep 0.2 &); sleep 1; ps -eo stat= | grep -c "^Z" || true',
      })
      expect(zombies.stdout).toBe('0\n')
    }, 60_000)

    it('leaves a server in the background once it answers, and reports its output so far', async () => {
      const { handler } = fakeEngine()
      const { station } = await start(handler)
      await station.run({ command: 'mkdir site && echo ok > site/health' })
      const server = await station.run({
        command: 'cd site && python3 -u -m http.server 8123 --bind 127.0.0.1',
        background: { waitMs: 20_000, probeUrl: 'http://127.0.0.1:8123/health' },
      })
      expect(server).toMatchObject({
        status: 'running',
        exitCode: null,
        probe: { url: 'http://127.0.0.1:8123/health', status: 200 },
      })
      const curl = await station.run({ command: 'curl -s http://127.0.0.1:8123/health' })
      expect(curl.stdout).toBe('ok\n')
      expect((await station.output(server.index)).stderr).toContain('"GET /health HTTP/1.1" 200')
      await station.stop(server.index)
      const gone = await station.run({
        command: 'curl -s --max-time 2 http://127.0.0.1:8123/health; echo "exit $?"',
      })
      expect(gone.stdout).toBe('exit 7\n')
    }, 60_000)

    it('runs as a user without a passwd entry, with a home of its own', async () => {
      const { handler } = fakeEngine()
      const { station, lessonDir } = await start(handler, { user: '65534:65534' })
      const who = await station.run({
        command: 'id -u; echo "$HOME"; touch made-here; docker ps >/dev/null; echo $?',
      })
      expect(who).toMatchObject({ exitCode: 0, stdout: '65534\n/run/lessonproof/home\n0\n' })
      expect((await stat(join(lessonDir, 'made-here'))).uid).toBe(65534)
    }, 60_000)

    it('says why a workstation image does not build, and leaves no image', async () => {
      const before = new Set((await engine.listImages({ all: true })).map((i) => i.Id))
      await expect(
        ensureWorkstationImage(engine, { extraPackages: ['no-such-package-lessonproof'] }),
      ).rejects.toThrow(
        /did not build: .*exit code: 100[\s\S]*Unable to locate package no-such-package-lessonproof/,
      )
      const made = (await engine.listImages({ all: true })).filter((i) => !before.has(i.Id))
      expect(made.filter((i) => i.Labels?.['org.lessonproof.workstation'] !== undefined)).toEqual([])
      await expect(ensureWorkstationImage(engine, { extraPackages: ['gcc; rm -rf /'] })).rejects.toThrow(
        'not a Debian package name: "gcc; rm -rf /"',
      )
    }, 300_000)

    it('leaves nothing behind once closed', async () => {
      for (const s of stations) await s.close()
      expect(await leftBehind(engine, runId)).toEqual([])
    })
  })
}
