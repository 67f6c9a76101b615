/**
 * Walks one lesson: a workstation of its own, on a private network shared only with the
 * containers its steps start; the lesson's files written where the reader saves them; every
 * command in order, with `cd` and variables carried; Docker commands served by lessonproof's
 * engine actions. Returns what each command did as plain facts, and removes everything it made.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, posix, relative } from 'node:path'
import type Dockerode from 'dockerode'
import type { StepFacts, WalkFacts } from '../model/index.js'
import type { WalkPlan, WalkStep } from '../plan/index.js'
import { RUN_LABEL } from '../settings/index.js'
import { type Builder, DockerActions, registryOf, type WalkBuild } from './actions.js'
import { PortForwarder } from './ports.js'
import { asReaderSees, LESSON_DIR } from './shell.js'
import { type Cleanup, ensureWorkstationImage, type StepResult, Workstation } from './workstation.js'

export interface WalkDeps {
  docker: Dockerode
  runId: string
  /** Builds for a `docker build` of the step at a lesson line (the iteration's build). */
  build: (build: WalkBuild & { line: number }) => ReturnType<Builder>
  cleanup: Cleanup
  /** Memory and CPU of the workstation and of each container a step starts. */
  memoryBytes: number
  cpus: number
  /** The workstation may reach the engine's default network (a package mirror was given). */
  outside: boolean
  /** Environment of every step (`PIP_INDEX_URL` for a mirror). */
  env: Record<string, string>
  log: (line: string) => void
}

/** Where a tool a lesson runs comes from, when the workstation does not have it. */
const SOURCES: Record<string, string> = {
  uv: 'PyPI (`pip install uv`) or astral.sh',
  uvx: 'PyPI (`pip install uv`) or astral.sh',
  poetry: 'PyPI',
  pipenv: 'PyPI',
  pip: 'the Debian package python3-pip, and PyPI for what it installs',
  pip3: 'the Debian package python3-pip, and PyPI for what it installs',
  fastapi: 'PyPI (`fastapi[standard]`)',
  node: 'the Debian package nodejs',
  npm: 'the Debian package npm, and the npm registry for what it installs',
  npx: 'the Debian package npm',
  go: 'the Debian package golang-go',
  git: 'the Debian package git',
  cargo: 'the Debian package cargo, and crates.io for what it builds',
  rustc: 'the Debian package rustc',
  java: 'the Debian package default-jdk',
  javac: 'the Debian package default-jdk',
  mvn: 'the Debian package maven, and Maven Central for what it builds',
  gradle: 'the Debian package gradle',
  dive: 'its GitHub releases',
  trivy: 'its GitHub releases',
  grype: 'its GitHub releases',
  syft: 'its GitHub releases',
  hadolint: 'its GitHub releases',
  cosign: 'its GitHub releases',
  kubectl: "Kubernetes' release site",
  helm: 'its GitHub releases',
  'docker-compose': 'its GitHub releases',
}

/** Why a command the workstation lacks blocks a step: what it is, where it comes from, how to give it. */
export function missingTool(name: string): string {
  const source = SOURCES[name]
  const debian = source?.match(/the Debian package ([\w.+-]+)/)?.[1]
  const how = debian
    ? `add it with \`lessonproof: { workstation_packages: [${debian}] }\``
    : 'name a workstation image that has it (`lessonproof: { workstation: IMAGE }`)'
  return `${name} is not installed in the workstation: it comes from ${source ?? 'outside Debian'}, which a walk does not reach; ${how}`
}

let walks = 0

/** A host path for a workstation path under /lesson, else undefined. */
function hostPath(lessonDir: string, path: string): string | undefined {
  const rel = posix.relative(LESSON_DIR, path)
  if (rel.startsWith('..') || posix.isAbsolute(rel)) return undefined
  return join(lessonDir, ...rel.split('/').filter((p) => p !== ''))
}

export async function walkLesson(plan: WalkPlan, deps: WalkDeps): Promise<WalkFacts> {
  const { docker, runId } = deps
  const n = ++walks
  const steps: Record<string, StepFacts> = {}
  const prefix = `lessonproof-${runId}-w${n}-`
  const skipAll = (reason: string, image: string): WalkFacts => {
    for (const action of plan.actions) {
      if (action.kind === 'step')
        steps[String(action.line)] = {
          status: 'blocked',
          exitCode: null,
          stdout: '',
          stderr: '',
          durationMs: 0,
          reason,
          notes: [],
        }
    }
    return { workstation: image, steps, blocked: reason }
  }

  let ownImage: string
  try {
    ownImage = await ensureWorkstationImage(docker, { extraPackages: plan.packages, log: deps.log })
  } catch (caught) {
    return skipAll(`lessonproof's workstation image could not be built: ${(caught as Error).message}`, '')
  }
  let image = ownImage
  if (plan.workstation) {
    const has = await docker
      .getImage(plan.workstation)
      .inspect()
      .then(
        () => true,
        () => false,
      )
    if (!has)
      return skipAll(
        `the lesson's workstation image ${plan.workstation} is not on this engine, and pulling it needs ${registryOf(plan.workstation)}, which this run does not reach`,
        plan.workstation,
      )
    image = plan.workstation
  }

  const lessonDir = await mkdtemp(join(tmpdir(), `${prefix}lesson-`))
  deps.cleanup.add(`temp dir ${lessonDir}`, () => rm(lessonDir, { recursive: true, force: true }))
  const networkName = `${prefix}net`
  const network = await docker.createNetwork({
    Name: networkName,
    Internal: true,
    CheckDuplicate: true,
    Labels: { [RUN_LABEL]: runId },
  })
  deps.cleanup.add(`network ${networkName}`, () => network.remove().catch(() => undefined))

  const lines = new Map<number, number>()
  let actions: DockerActions | undefined
  const station = await Workstation.start(
    {
      image,
      lessonDir,
      runId,
      network: networkName,
      memoryBytes: Math.max(deps.memoryBytes, 512 * 1024 ** 2),
      cpus: deps.cpus,
      env: deps.env,
    },
    {
      docker,
      cleanup: deps.cleanup,
      onDocker: (call) => {
        if (!actions) throw new Error('the walk is not ready for Docker commands')
        return actions.handle(call)
      },
    },
  )
  if (deps.outside) await docker.getNetwork('bridge').connect({ Container: station.id })
  const ports = await PortForwarder.start(docker, {
    image: ownImage,
    workstationId: station.id,
    runId,
    cleanup: deps.cleanup,
  })
  actions = new DockerActions({
    docker,
    runId,
    prefix,
    network: networkName,
    lessonDir,
    ports,
    watcherImage: ownImage,
    cleanup: deps.cleanup,
    memoryBytes: deps.memoryBytes,
    cpus: deps.cpus,
    build: (build) => deps.build({ ...build, line: lines.get(build.step) ?? 0 }),
  })
  const served = actions

  let cwd = LESSON_DIR
  let index = 0
  /** The last step that was blocked or that the author skipped: later ones may lack its effects. */
  let taint: number | undefined
  const servers: { index: number; line: number; section: string }[] = []
  const stopServers = async (keep: (s: { section: string }) => boolean) => {
    for (const server of servers.filter((s) => !keep(s))) {
      await station.stop(server.index)
      await served.stopAttached(server.index)
      steps[String(server.line)]?.notes.push(
        'stopped when its section ended, as the reader would with Ctrl+C',
      )
      servers.splice(servers.indexOf(server), 1)
    }
  }
  const settle = async () => {
    for (const [step, notes] of await served.settle(plan.readyTimeoutMs)) {
      const line = lines.get(step)
      if (line !== undefined) steps[String(line)]?.notes.push(...notes)
    }
  }

  try {
    for (const action of plan.actions) {
      if (action.kind === 'file') {
        const dir = hostPath(lessonDir, cwd)
        const target = dir && !isAbsolute(action.name) ? join(dir, action.name) : undefined
        if (target && !relative(lessonDir, target).startsWith('..')) {
          await mkdir(dirname(target), { recursive: true })
          await writeFile(target, action.content)
        }
        continue
      }
      await stopServers((s) => s.section === action.section)
      await settle()
      const facts = await runStep(action)
      // A skipped step's command was not shown as it started: show it with why.
      if (facts.status === 'skipped')
        deps.log(`${plan.document}:${action.line}: ${action.command.split('\n')[0]}`)
      const outcome = outcomeOf(facts)
      if (outcome) deps.log(`${plan.document}:${action.line}:   ${outcome}`)
      if (taint !== undefined && facts.status !== 'skipped') facts.after = taint
      steps[String(action.line)] = facts
      if (facts.status === 'blocked' || (facts.status === 'skipped' && action.authorSkip)) taint = action.line
    }
    await settle()
    await stopServers(() => false)
  } finally {
    await served.close()
    await ports.close()
    await station.close()
    await network.remove().catch(() => undefined)
    await rm(lessonDir, { recursive: true, force: true })
  }
  return { workstation: image, steps }

  async function runStep(step: WalkStep): Promise<StepFacts> {
    if (step.skip !== undefined)
      return {
        status: 'skipped',
        exitCode: null,
        stdout: '',
        stderr: '',
        durationMs: 0,
        reason: step.skip,
        notes: [],
      }
    index++
    lines.set(index, step.line)
    deps.log(`${plan.document}:${step.line}: ${step.command.split('\n')[0]}`)
    const result: StepResult = await station.run({
      command: step.command,
      timeoutMs: step.timeoutMs,
      ...(step.background
        ? {
            background: {
              waitMs: step.background.waitMs,
              ...(step.background.probeUrl ? { probeUrl: step.background.probeUrl } : {}),
            },
          }
        : {}),
    })
    if (result.status === 'exited') cwd = result.cwd
    const facts: StepFacts = {
      status: result.status,
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: asReaderSees(result.stderr),
      truncated: result.truncated,
      durationMs: result.durationMs,
      notes: [],
    }
    if (result.reason) facts.reason = result.reason
    if (result.status === 'running') {
      servers.push({ index, line: step.line, section: step.section })
      const attached = await served.attachedOutput(index)
      if (attached) {
        facts.stdout = attached.stdout
        facts.stderr = attached.stderr
      }
      facts.notes.push(
        `${step.background?.why ?? 'a server'}: started in the background${result.probe ? `, ${result.probe.url} ${result.probe.status === null ? 'never answered' : `answered ${result.probe.status}`}` : ''}`,
      )
    }
    const blocked = served.blockedReasons(index)
    const missing = /(?:^|\n)(?:\S+: )?(?:line \d+: )?([\w.+-]+): command not found/.exec(result.stderr)?.[1]
    if (blocked.length > 0) {
      facts.status = 'blocked'
      facts.reason = blocked.join('; ')
    } else if (result.exitCode === 127 && missing) {
      facts.status = 'blocked'
      facts.reason = missingTool(missing)
    }
    return facts
  }
}

/**
 * A step's outcome as the progress shows it after its command: nothing for a command that
 * exited 0, else how it ended and why (the reasons a report lists only with --verbose).
 */
export function outcomeOf(facts: StepFacts): string | undefined {
  const why = facts.reason ? `: ${facts.reason.split('\n')[0]}` : ''
  switch (facts.status) {
    case 'exited':
      return facts.exitCode === 0 ? undefined : `exited ${facts.exitCode}`
    case 'running':
      return 'serving in the background'
    case 'timed-out':
      return short(facts.reason?.split('\n')[0] ?? 'timed out')
    default:
      // "skipped by the author: …" says its status itself.
      return short(facts.reason?.startsWith(facts.status) ? why.slice(2) : `${facts.status}${why}`)
  }
}

/** A progress line is one line: a reason naming every image a command lists is cut (the report has it whole). */
function short(text: string, max = 240): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
