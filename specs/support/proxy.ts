/**
 * A unix-socket proxy in front of the engine that a spec can cut and restore: the engine as a
 * run sees it goes away mid-build or mid-run, and comes back.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface EngineProxy {
  /** `unix://…`: the DOCKER_HOST a run is given. */
  host: string
  /** Drops every connection and refuses new ones. */
  cut(): Promise<void>
  /** Answers again. */
  restore(): Promise<void>
  close(): Promise<void>
}

export async function engineProxy(target = '/var/run/docker.sock'): Promise<EngineProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'lessonproof-proxy-'))
  const path = join(dir, 'docker.sock')
  const sockets = new Set<Socket>()
  let server: Server | undefined
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(target)
        sockets.add(client)
        sockets.add(upstream)
        const drop = () => {
          client.destroy()
          upstream.destroy()
          sockets.delete(client)
          sockets.delete(upstream)
        }
        client.on('error', drop).on('close', drop)
        upstream.on('error', drop).on('close', drop)
        client.pipe(upstream).pipe(client)
      })
      server.listen(path, resolve)
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      sockets.clear()
      if (!server) return resolve()
      server.close(() => resolve())
      server = undefined
    })
  await listen()
  return {
    host: `unix://${path}`,
    cut: stop,
    restore: listen,
    close: async () => {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
