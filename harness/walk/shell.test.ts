import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { execa } from 'execa'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  COLLECT_SCRIPT,
  DOCKER_SHIM,
  encodeDockerReply,
  findDockerCommands,
  looksLongRunning,
  needsPerson,
  parseCollected,
  parseDockerCall,
  STEP_SCRIPT,
} from './shell.js'

// The scripts are bash; here they run in the host's bash against a temp state directory.
let root = ''
let state = ''
let lesson = ''

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lessonproof-shell-'))
  state = join(root, 'state')
  lesson = join(root, 'lesson')
  for (const dir of ['bin', 'state', 'steps', 'calls']) await mkdir(join(state, dir), { recursive: true })
  await mkdir(lesson)
  await writeFile(join(state, 'step.sh'), STEP_SCRIPT)
  await writeFile(join(state, 'collect.sh'), COLLECT_SCRIPT)
  await writeFile(join(state, 'bin', 'docker'), DOCKER_SHIM, { mode: 0o755 })
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

const env = () => ({
  LESSONPROOF_DIR: state,
  LESSONPROOF_LESSON: lesson,
  PATH: `${join(state, 'bin')}:${process.env.PATH}`,
})
let counter = 0

/** Runs one step as the workstation does, and reads back what it left. */
async function step(command: string) {
  const n = ++counter
  await execa('bash', [join(state, 'step.sh'), String(n), command], {
    env: env(),
    extendEnv: false,
    reject: false,
  })
  const collected = await execa('bash', [join(state, 'collect.sh'), String(n), '1000'], {
    env: env(),
    extendEnv: false,
  })
  return parseCollected(collected.stdout, 1000)
}

describe('the step script', () => {
  it('starts in the lesson directory and carries cd and variables to the next step', async () => {
    expect(await step('pwd')).toMatchObject({ exitCode: 0, stdout: `${lesson}\n`, cwd: lesson })
    await step('mkdir -p task-api && cd task-api && export APP_PORT=8000 && TAG=v1')
    const next = await step('echo "$PWD $APP_PORT $TAG"; env | grep -c "^TAG=" || true')
    expect(next.stdout).toBe(`${lesson}/task-api 8000 v1\n0\n`)
    expect(next.cwd).toBe(`${lesson}/task-api`)
  })

  it('carries functions and arrays, not bash’s own variables', async () => {
    await step('greet() { echo "hi $1"; }; ports=(8000 8001); RANDOM=1')
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash array, not a template
    expect((await step('greet you; echo "${ports[1]}"')).stdout).toBe('hi you\n8001\n')
    const vars = await readFile(join(state, 'state', 'vars'), 'utf8')
    expect(vars).not.toMatch(/\b(RANDOM|BASHPID|SHLVL|LESSONPROOF_STEP|__lp_)/)
  })

  it('reports the exit status of a failing step, of exit, and of set -e, and keeps its output apart', async () => {
    expect(await step('echo out; echo err >&2; false')).toMatchObject({
      exitCode: 1,
      stdout: 'out\n',
      stderr: 'err\n',
    })
    expect((await step('cd /; exit 3')).exitCode).toBe(3)
    // The directory a step left on exit is kept, as a terminal would.
    expect((await step('pwd')).stdout).toBe('/\n')
    expect(await step('set -e; false; echo unreachable')).toMatchObject({ exitCode: 1, stdout: '' })
  })

  it('runs heredocs and reads nothing from a terminal', async () => {
    const created = await step(
      'cat > main.c <<\'EOF\'\nint main(void) { return 0; }\nEOF\nread answer; echo "[$answer]"',
    )
    expect(created.stdout).toBe('[]\n')
    expect(await readFile(join(lesson, 'main.c'), 'utf8')).toBe('int main(void) { return 0; }\n')
  })

  it('says when output was cut at the limit', async () => {
    const big = await step('head -c 5000 /dev/zero | tr "\\0" x')
    expect(big.stdout.length).toBe(1000)
    expect(big.truncated).toBe(true)
  })
})

describe('the docker stand-in', () => {
  it('hands its arguments, directory, environment and stdin over, and answers as the reply says', async () => {
    await execa('mkfifo', [join(state, 'requests')])
    const calls: ReturnType<typeof parseDockerCall>[] = []
    // lessonproof's side: follow the pipe, read the request, write the reply.
    const serve = (async () => {
      const lines = createInterface({ input: createReadStream(join(state, 'requests')) })
      for await (const id of lines) {
        const call = parseDockerCall(await readFile(join(state, 'calls', `${id}.req`), 'utf8'))
        calls.push(call)
        const res = join(state, 'calls', `${id}.res`)
        await writeFile(
          `${res}.tmp`,
          encodeDockerReply({ stdout: `ran ${call.argv[0]}\n`, stderr: 'warning\n', exitCode: 7 }),
        )
        await rename(`${res}.tmp`, res)
        break
      }
    })()
    const result = await step(
      `cd /tmp && echo "FROM scratch" | DOCKER_BUILDKIT=1 docker build -t "my app:1" -`,
    )
    await serve
    expect(result).toMatchObject({ exitCode: 7, stdout: 'ran build\n', stderr: 'warning\n' })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.argv).toEqual(['build', '-t', 'my app:1', '-'])
    expect(calls[0]?.cwd).toBe('/tmp')
    expect(calls[0]?.step).toBe(counter)
    expect(calls[0]?.env.DOCKER_BUILDKIT).toBe('1')
    expect(calls[0]?.stdin?.toString()).toBe('FROM scratch\n')
  })
})

describe('reading a step', () => {
  it('finds the Docker commands, past assignments, pipes and sudo', () => {
    expect(
      findDockerCommands(
        'DOCKER_BUILDKIT=1 docker build -t app:1 . && docker images | grep app; sudo docker ps -a',
      ),
    ).toEqual([['build', '-t', 'app:1', '.'], ['images'], ['ps', '-a']])
    expect(findDockerCommands('echo docker; cat Dockerfile')).toEqual([])
    expect(findDockerCommands('docker run -v "$(pwd)":/app app')).toEqual([
      ['run', '-v', '$(pwd):/app', 'app'],
    ])
  })

  it.each([
    ['uvicorn main:app --host 0.0.0.0', 'uvicorn serves in the foreground'],
    ['uv run fastapi dev main.py', 'fastapi serves in the foreground'],
    ['python3 -m http.server 8000', 'python3 -m http.server 8000 serves in the foreground'],
    ['docker run -p 8000:8000 task-api', 'docker run without -d stays attached to the container'],
    ['docker logs -f api', 'docker logs follows forever'],
    ['npm start', 'npm start serves in the foreground'],
  ])('knows %j does not return', (command, reason) => {
    expect(looksLongRunning(command)).toBe(reason)
  })

  it.each([
    'docker run -d -p 8000:8000 task-api',
    'docker run --rm -dp 8000:8000 app',
    'docker logs api',
    'python3 main.py',
    'flask --version',
  ])('knows %j returns', (command) => {
    expect(looksLongRunning(command)).toBeUndefined()
  })

  it('knows what needs a person', () => {
    expect(needsPerson('nano main.py')).toBe('nano needs a person at a terminal')
    expect(needsPerson('docker run -it --rm debian bash')).toBe(
      'docker run -it opens an interactive terminal',
    )
    expect(needsPerson('docker exec -it api sh')).toBe('docker exec -it opens an interactive terminal')
    expect(needsPerson('docker run -d api')).toBeUndefined()
    expect(needsPerson('cat main.py')).toBeUndefined()
  })
})
