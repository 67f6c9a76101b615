/**
 * The lab scripts decide by what the machine has: an engine that answers, a registry, root or
 * sudo. Each choice is run here with the real scripts on a fake machine (specs/support/lab-world.ts)
 * — GitHub's runner (user `runner`, passwordless sudo, an engine, Docker Hub) and this one (root,
 * no engine, no registry) among them — and checked by the commands they called and as whom.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeMachine, type Machine, REPO, type World } from './support/lab-world.js'

let worlds: World[] = []
afterEach(() => {
  for (const w of worlds) w.dispose()
  worlds = []
})
function machine(m: Machine): World {
  const w = fakeMachine(m)
  worlds.push(w)
  return w
}

/** GitHub's ubuntu-latest runner: user `runner`, passwordless sudo, an engine, Docker Hub. */
const RUNNER: Machine = { uid: 1001, commands: ['sudo', 'dockerd'], state: ['engine-up', 'hub'] }

describe('lab/engine.sh', () => {
  it('uses an engine that answers as is: nothing installed or started, no sudo', () => {
    const w = machine(RUNNER)
    const r = w.run('lab/engine.sh')
    expect(r.status).toBe(0)
    expect(r.stderr).toContain('engine: up — server fake')
    expect(w.callsOf('sudo', 'apt-get', 'dockerd', 'pgrep')).toEqual([])
  })

  it('as root with no engine: installs docker.io and starts dockerd on 127.0.0.1, without sudo', () => {
    const w = machine({ uid: 0 })
    const r = w.run('lab/engine.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('sudo', 'apt-get', 'dockerd')).toEqual([
      expect.stringMatching(/^uid=0 apt-get .* update/),
      expect.stringMatching(/^uid=0 apt-get .* install -y -qq --no-install-recommends docker\.io$/),
      `uid=0 dockerd --ip=127.0.0.1 --pidfile ${join(w.dir, 'docker.pid')}`,
    ])
    expect(r.stderr).toContain('engine: up')
  })

  it('as a user with passwordless sudo and no engine: starts dockerd through sudo', () => {
    const w = machine({ uid: 1001, commands: ['sudo', 'dockerd'] })
    const r = w.run('lab/engine.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('apt-get')).toEqual([])
    expect(w.callsOf('sudo', 'dockerd').slice(-2)).toEqual([
      expect.stringMatching(/^uid=1001 sudo -n bash -c .* dockerd --ip=127\.0\.0\.1/s),
      expect.stringMatching(/^uid=0 dockerd --ip=127\.0\.0\.1/),
    ])
  })

  it('as a user without sudo and no engine: stops before installing anything, and says why', () => {
    const w = machine({ uid: 1001 })
    const r = w.run('lab/engine.sh')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(
      'engine: starting a Docker engine needs root: this user (runner, uid 1001) is not root, and there is no sudo.',
    )
    expect(r.stderr).toContain('point DOCKER_HOST at an engine that answers')
    expect(w.callsOf('apt-get', 'dockerd')).toEqual([])
  })

  it('when sudo asks for a password: says so, starts nothing', () => {
    const w = machine({ uid: 1001, commands: ['sudo', 'dockerd'], state: ['sudo-password'] })
    const r = w.run('lab/engine.sh')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('is not root, and sudo asks for a password.')
    expect(w.callsOf('dockerd')).toEqual([])
  })

  it('when an engine runs but its socket refuses this user: says to join the docker group, starts no other', () => {
    const w = machine({ uid: 1001, commands: ['sudo', 'dockerd'], state: ['engine-denied'] })
    const r = w.run('lab/engine.sh')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('may not use its socket')
    expect(r.stderr).toContain('usermod -aG docker')
    expect(w.callsOf('sudo', 'dockerd')).toEqual([])
  })

  it('does not start a local engine for a tcp:// DOCKER_HOST that does not answer', () => {
    const w = machine({ uid: 0, commands: ['dockerd'] })
    const r = w.run('lab/engine.sh', [], { DOCKER_HOST: 'tcp://127.0.0.1:2376' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('DOCKER_HOST=tcp://127.0.0.1:2376 does not answer')
    expect(w.callsOf('dockerd', 'apt-get')).toEqual([])
  })

  it('waits for a dockerd that is already starting instead of starting a second one', () => {
    const w = machine({ uid: 0, commands: ['dockerd'], state: ['dockerd-running'] })
    const r = w.run('lab/engine.sh', [], { LESSONPROOF_ENGINE_WAIT: '1' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('dockerd process already present')
    expect(w.callsOf('dockerd')).toEqual([])
  })

  it('fails with the tail of the log when dockerd does not come up', () => {
    const w = machine({ uid: 0, commands: ['dockerd'], state: ['dockerd-fails'] })
    const r = w.run('lab/engine.sh', [], { LESSONPROOF_ENGINE_WAIT: '1' })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('dockerd did not answer within 1s')
    expect(r.stderr).toContain('failed to start daemon: error initializing graphdriver')
  })
})

const RECIPE_SHA = createHash('sha256')
  .update(readFileSync(join(REPO, 'lab/debian-rootfs.sh')))
  .digest('hex')
/** The label lab/base-images.sh puts on (and looks for on) an image built from a recipe. */
const inputsSha = (recipeSha: string, flavour: 'full' | 'slim') =>
  createHash('sha256')
    .update(`${recipeSha}\nbookworm\nminbase\nhttp://deb.debian.org/debian\n${flavour}\n`)
    .digest('hex')

describe('lab/base-images.sh', () => {
  it('on a runner: pulls both images, builds nothing, needs no root', () => {
    const w = machine(RUNNER)
    const r = w.run('lab/base-images.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('docker').filter((c) => / pull /.test(c))).toEqual([
      'uid=1001 docker pull -q debian:bookworm',
      'uid=1001 docker pull -q debian:bookworm-slim',
    ])
    expect(w.callsOf('sudo', 'apt-get', 'debootstrap')).toEqual([])
    expect(r.stderr).toContain('debian:bookworm-slim pulled')
  })

  it('as root with no registry: one pull fails, then debootstrap builds both, labelled with the recipe', () => {
    const w = machine({ uid: 0, state: ['engine-up'] })
    const r = w.run('lab/base-images.sh')
    expect(r.status, r.stderr).toBe(0)
    const pulls = w.callsOf('docker').filter((c) => / pull /.test(c))
    expect(pulls).toEqual(['uid=0 docker pull -q debian:bookworm'])
    expect(r.stderr).toContain('no registry gives debian:bookworm')
    expect(w.callsOf('sudo')).toEqual([])
    expect(w.callsOf('debootstrap')).toEqual([
      expect.stringMatching(/^uid=0 debootstrap --variant=minbase .* bookworm /),
    ])
    expect(w.image('debian:bookworm')?.label).toBe(inputsSha(RECIPE_SHA, 'full'))
    expect(w.image('debian:bookworm-slim')?.label).toBe(inputsSha(RECIPE_SHA, 'slim'))
    expect(Number(w.image('debian:bookworm')?.bytes)).toBeGreaterThan(0)

    // Built here: the next run reuses both by their label, without asking any registry.
    const before = w.calls().length
    const again = w.run('lab/base-images.sh')
    expect(again.status).toBe(0)
    expect(again.stderr).toContain('debian:bookworm-slim up to date (built here')
    expect(
      w
        .calls()
        .slice(before)
        .filter((c) => / (pull|import) /.test(c) || c.includes('debootstrap')),
    ).toEqual([])
  })

  it('as a user with sudo and no registry: builds through sudo', () => {
    const w = machine({ uid: 1001, commands: ['sudo'], state: ['engine-up'] })
    const r = w.run('lab/base-images.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('with debootstrap (through sudo)')
    expect(w.callsOf('sudo')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^uid=1001 sudo -n env .* bash .*lab\/debian-rootfs\.sh full=\w+ slim=\w+$/),
      ]),
    )
    expect(w.callsOf('debootstrap', 'apt-get').every((c) => c.startsWith('uid=0 '))).toBe(true)
    expect(w.image('debian:bookworm')?.label).toBe(inputsSha(RECIPE_SHA, 'full'))
  })

  it('as a user without sudo and no registry: says the build needs root, and what else would do', () => {
    const w = machine({ uid: 1001, state: ['engine-up'] })
    const r = w.run('lab/base-images.sh')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('building debian:bookworm with debootstrap needs root')
    expect(r.stderr).toContain('make a registry reachable')
    expect(w.callsOf('debootstrap', 'apt-get')).toEqual([])
  })

  it('keeps images labelled by the recipe before it moved to its own file', () => {
    const earlier = 'a9a0725127f8e2cfc081ff5b10368e0421596c131f7835c5e6cf0eeef7b9f290'
    const w = machine({
      uid: 0,
      state: ['engine-up'],
      images: {
        'debian:bookworm': { label: inputsSha(earlier, 'full') },
        'debian:bookworm-slim': { label: inputsSha(earlier, 'slim') },
      },
    })
    const r = w.run('lab/base-images.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(w.calls().filter((c) => / (pull|import) /.test(c) || c.includes('debootstrap'))).toEqual([])
  })

  it('rebuilds an image whose label is from another recipe', () => {
    const w = machine({
      uid: 0,
      state: ['engine-up'],
      images: { 'debian:bookworm': { label: inputsSha('0'.repeat(64), 'full') } },
    })
    expect(w.run('lab/base-images.sh').status).toBe(0)
    expect(w.image('debian:bookworm')?.label).toBe(inputsSha(RECIPE_SHA, 'full'))
  })

  it('asks the registry once: a pull that fails silently settles it for both images', () => {
    const w = machine({ uid: 0, state: ['engine-up'] })
    // A pull that ends without a word, as when `timeout` kills a hanging one.
    writeFileSync(
      join(w.dir, 'bin', 'timeout'),
      '#!/bin/bash\nshift; [[ "$1 $2" == "docker pull" ]] && { echo "uid=0 docker $*" >>"$FAKE_STATE/calls.log"; exit 1; }; exec "$@"\n',
      { mode: 0o755 },
    )
    const r = w.run('lab/base-images.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('no registry gives debian:bookworm: docker pull failed')
    expect(w.calls().filter((c) => / pull /.test(c))).toHaveLength(1)
  })

  it('keeps an image pulled earlier when no registry answers now', () => {
    const w = machine({
      uid: 1001,
      state: ['engine-up'],
      images: {
        'debian:bookworm': { digest: 'debian@sha256:0fficial' },
        'debian:bookworm-slim': { digest: 'debian@sha256:0fficial' },
      },
    })
    const r = w.run('lab/base-images.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('debian:bookworm-slim kept as pulled earlier (debian@sha256:0fficial)')
    expect(w.callsOf('debootstrap', 'sudo')).toEqual([])
  })

  it('LESSONPROOF_BASE_SOURCE=pull never builds; =debootstrap never pulls', () => {
    const noRegistry = machine({ uid: 0, state: ['engine-up'] })
    const pull = noRegistry.run('lab/base-images.sh', [], { LESSONPROOF_BASE_SOURCE: 'pull' })
    expect(pull.status).toBe(1)
    expect(pull.stderr).toContain(
      'debian:bookworm missing, and LESSONPROOF_BASE_SOURCE=pull forbids building it',
    )
    expect(noRegistry.callsOf('debootstrap')).toEqual([])

    const hub = machine({ uid: 0, state: ['engine-up', 'hub'] })
    const built = hub.run('lab/base-images.sh', [], { LESSONPROOF_BASE_SOURCE: 'debootstrap' })
    expect(built.status, built.stderr).toBe(0)
    expect(hub.calls().filter((c) => / pull /.test(c))).toEqual([])
    expect(hub.callsOf('debootstrap')).toHaveLength(1)
  })
})

describe('lab/registry.sh', () => {
  it('uses a registry that answers as is: nothing installed or started', () => {
    const w = machine({ uid: 1001, commands: ['sudo'], state: ['registry-up'] })
    const r = w.run('lab/registry.sh')
    expect(r.status).toBe(0)
    expect(r.stderr).toContain('up at http://127.0.0.1:5000 (not started by lab/registry.sh)')
    expect(w.callsOf('sudo', 'apt-get', 'docker-registry')).toEqual([])
  })

  it('on a runner: installs the package through sudo, stops the service it starts, runs its own as the user', () => {
    const w = machine({ ...RUNNER, state: ['engine-up', 'service-on-install'] })
    const r = w.run('lab/registry.sh')
    expect(r.status, r.stderr).toBe(0)
    expect(
      w.callsOf('apt-get', 'systemctl', 'docker-registry').filter((c) => !c.includes('is-active')),
    ).toEqual([
      expect.stringMatching(/^uid=0 apt-get .* update/),
      expect.stringMatching(/^uid=0 apt-get .* install .* docker-registry$/),
      'uid=0 systemctl stop docker-registry',
      `uid=1001 docker-registry serve ${join(w.dir, 'registry/config.yml')}`,
    ])
    const config = readFileSync(join(w.dir, 'registry/config.yml'), 'utf8')
    expect(config).toContain('addr: 127.0.0.1:5000')
    expect(config).toContain(`rootdirectory: ${join(w.dir, 'registry/storage')}`)
    expect(r.stderr).toMatch(/up at http:\/\/127\.0\.0\.1:5000 \(started by lab\/registry\.sh, pid \d+/)

    // Idempotent: a second start finds it up and starts nothing.
    const serves = w.callsOf('docker-registry').length
    expect(w.run('lab/registry.sh').status).toBe(0)
    expect(w.callsOf('docker-registry')).toHaveLength(serves)

    // stop: the process is gone, and so is its storage.
    const stop = w.run('lab/registry.sh', ['stop'])
    expect(stop.status, stop.stderr).toBe(0)
    expect(stop.stderr).toMatch(/stopped the registry at http:\/\/127\.0\.0\.1:5000 \(pid \d+\)/)
    expect(w.has('registry-up')).toBe(false)
    expect(existsSync(join(w.dir, 'registry'))).toBe(false)
    expect(w.run('lab/registry.sh', ['stop']).stderr).toContain('nothing to stop')
  })

  it('as root with the package installed: starts it without apt', () => {
    const w = machine({ uid: 0, commands: ['docker-registry'] })
    const r = w.run('lab/registry.sh', ['start'])
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('apt-get', 'sudo')).toEqual([])
    expect(w.callsOf('docker-registry')).toEqual([expect.stringMatching(/^uid=0 docker-registry serve /)])
  })

  it('stop leaves a registry it did not start alone', () => {
    const w = machine({ uid: 0, commands: ['docker-registry'], state: ['registry-up'] })
    const r = w.run('lab/registry.sh', ['stop'])
    expect(r.status).toBe(0)
    expect(r.stderr).toContain(
      'no registry started by lab/registry.sh runs for http://127.0.0.1:5000; nothing to stop',
    )
    expect(w.has('registry-up')).toBe(true)
  })

  it('refuses a port held by something that is not an open registry', () => {
    const w = machine({ uid: 0, commands: ['docker-registry'], state: ['registry-login'] })
    const r = w.run('lab/registry.sh')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(
      'something answers at http://127.0.0.1:5000 but not as an open registry (HTTP/1.1 401',
    )
    expect(w.callsOf('docker-registry')).toEqual([])
  })

  it('without root or sudo and without the package: says what to do', () => {
    const w = machine({ uid: 1001 })
    const r = w.run('lab/registry.sh')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('installing docker-registry needs root')
    expect(r.stderr).toContain("install Debian's docker-registry package first")
    expect(w.callsOf('apt-get')).toEqual([])
  })

  it('listens on loopback only', () => {
    const w = machine({ uid: 0, commands: ['docker-registry'] })
    const r = w.run('lab/registry.sh', [], { LESSONPROOF_REGISTRY_ADDR: '0.0.0.0:5000' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('must be a loopback host:port')
    expect(w.callsOf('docker-registry')).toEqual([])
  })
})

describe('lab/tools.sh', () => {
  it('installs only the missing tools, through sudo when not root', () => {
    const w = machine({ uid: 1001, commands: ['sudo', 'chromium'] })
    const r = w.run('lab/tools.sh', ['shellcheck', 'chromium'])
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('apt-get')).toEqual([
      expect.stringMatching(/^uid=0 apt-get .* update/),
      expect.stringMatching(/^uid=0 apt-get .* install -y -qq --no-install-recommends shellcheck$/),
    ])
  })

  it('installs nothing when every tool is there', () => {
    const w = machine({ uid: 1001, commands: ['sudo', 'chromium', 'shellcheck'] })
    expect(w.run('lab/tools.sh', ['shellcheck', 'chromium']).status).toBe(0)
    expect(w.callsOf('apt-get', 'sudo')).toEqual([])
  })
})

/** The calls that install, start, build or test, each shortened to what it does. */
function steps(w: World): string[] {
  const shorten: [RegExp, (m: RegExpMatchArray) => string][] = [
    [
      /^(uid=\d+) apt-get .* install -y -qq --no-install-recommends (.*)$/,
      (m) => `${m[1]} apt-get install ${m[2]}`,
    ],
    [/^(uid=\d+) docker (pull) -q (\S+)$/, (m) => `${m[1]} docker pull ${m[3]}`],
    [/^(uid=\d+) docker import .* (\S+)$/, (m) => `${m[1]} docker import ${m[2]}`],
    [/^(uid=\d+) debootstrap --variant=\S+ --cache-dir=\S+ (\S+) .*$/, (m) => `${m[1]} debootstrap ${m[2]}`],
    [/^(uid=\d+) (dockerd|docker-registry serve) .*$/, (m) => `${m[1]} ${m[2]}`],
    [/^(uid=\d+ npm .*)$/, (m) => m[1] ?? ''],
  ]
  return w.calls().flatMap((call) => {
    for (const [re, short] of shorten) {
      const m = call.match(re)
      if (m) return [short(m)]
    }
    return []
  })
}

describe('.ci/run', () => {
  it('here (root, nothing running, no registry): installs and starts everything, then npm test with the engine required', () => {
    const w = machine({ uid: 0 })
    const r = w.run('.ci/run')
    expect(r.status, r.stderr).toBe(0)
    expect(steps(w)).toEqual([
      'uid=0 npm ci --no-audit --no-fund LESSONPROOF_REQUIRE_ENGINE=',
      'uid=0 apt-get install docker.io',
      'uid=0 dockerd',
      'uid=0 docker pull debian:bookworm',
      'uid=0 apt-get install debootstrap',
      'uid=0 debootstrap bookworm',
      'uid=0 docker import debian:bookworm',
      'uid=0 docker import debian:bookworm-slim',
      'uid=0 apt-get install docker-registry',
      'uid=0 docker-registry serve',
      'uid=0 apt-get install shellcheck chromium',
      'uid=0 npm test LESSONPROOF_REQUIRE_ENGINE=1',
    ])
    // The registry it started is stopped when it ends.
    expect(w.has('registry-up')).toBe(false)
    expect(r.stderr).toContain('stopped the registry at http://127.0.0.1:5000')
  })

  it("on GitHub's runner: uses the engine, pulls the images, installs only the registry (through sudo)", () => {
    const w = machine({
      ...RUNNER,
      commands: ['sudo', 'shellcheck', 'chromium'],
      state: ['engine-up', 'hub', 'service-on-install'],
    })
    const r = w.run('.ci/run')
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('dockerd', 'debootstrap')).toEqual([])
    expect(w.callsOf('apt-get').filter((c) => c.includes(' install '))).toEqual([
      expect.stringMatching(/^uid=0 apt-get .* install .* docker-registry$/),
    ])
    expect(w.calls().filter((c) => / pull /.test(c))).toHaveLength(2)
    expect(w.callsOf('npm').at(-1)).toBe('uid=1001 npm test LESSONPROOF_REQUIRE_ENGINE=1')
  })

  it("fails with npm test's status, and still stops the registry it started", () => {
    const w = machine({
      uid: 0,
      commands: ['dockerd', 'docker-registry', 'shellcheck', 'chromium'],
      state: ['engine-up', 'hub'],
    })
    writeFileSync(join(w.state, 'npm-test-status'), '1')
    const r = w.run('.ci/run')
    expect(r.status).toBe(1)
    expect(w.has('registry-up')).toBe(false)
  })

  it('leaves a registry that was already running as it was', () => {
    const w = machine({
      uid: 0,
      commands: ['docker-registry', 'shellcheck', 'chromium'],
      state: ['engine-up', 'hub', 'registry-up'],
    })
    const r = w.run('.ci/run')
    expect(r.status, r.stderr).toBe(0)
    expect(w.callsOf('docker-registry')).toEqual([])
    expect(w.has('registry-up')).toBe(true)
  })
})
