/**
 * A real registry on the loopback for the drift specs: the one answering on 127.0.0.1:5000, or
 * Debian's `docker-registry` started here with a config of its own (deletion enabled, storage in
 * a temp dir), stopped and removed by `stop()`. lab/registry.sh is to take this over.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { aptInstall } from './apt.js'

export interface LabRegistry {
  /** `127.0.0.1:5000`: the registry part of the references pushed to it. */
  host: string
  /** Whether this helper started it (and `stop()` stops it). */
  started: boolean
  stop(): Promise<void>
}

const HOST = '127.0.0.1'

async function answers(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/v2/`, { signal: AbortSignal.timeout(1000) })
    await res.body?.cancel()
    return res.status === 200 || res.status === 401
  } catch {
    return false
  }
}

async function installed(): Promise<boolean> {
  return (await execa('sh', ['-c', 'command -v docker-registry'], { reject: false })).exitCode === 0
}

export async function ensureRegistry(port = 5000): Promise<LabRegistry> {
  const host = `${HOST}:${port}`
  if (await answers(host)) return { host, started: false, stop: async () => {} }
  if (!(await installed())) {
    const apt = await aptInstall('docker-registry')
    if (!apt.ok) throw new Error(`apt-get install docker-registry failed:\n${apt.log}`)
  }

  const dir = await mkdtemp(join(tmpdir(), 'lessonproof-registry-'))
  const config = join(dir, 'config.yml')
  await writeFile(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: "${host}" }`,
      '',
    ].join('\n'),
  )
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const running = () => child.exitCode === null && child.signalCode === null
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  for (let i = 0; i < 100; i++) {
    if (await answers(host)) return { host, started: true, stop }
    if (!running()) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await stop()
  throw new Error(`docker-registry did not answer on ${host}:\n${log}`)
}

/** A loopback port nothing listens on: a registry that is down. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net')
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}
