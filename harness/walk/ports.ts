/**
 * The lesson's published ports, inside the workstation: a sidecar in the workstation's network
 * namespace (never the host's) listens on each host port the lesson maps and forwards it to the
 * app container's port over the walk's private network. So `curl localhost:8080` in a step
 * reaches the container port `-p 8080:…` names, and a mapping to the wrong port fails as it
 * would for the reader. Nothing is published on the host.
 */
import { PassThrough, type Readable } from 'node:stream'
import type Dockerode from 'dockerode'
import { RUN_LABEL } from '../settings/index.js'
import type { PortMapping } from './format.js'
import type { Cleanup } from './workstation.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class PortForwarder {
  private readonly pids = new Map<string, string[]>()

  private constructor(
    private readonly docker: Dockerode,
    private readonly container: Dockerode.Container,
  ) {}

  /** Starts the sidecar in the workstation's network namespace, from lessonproof's workstation image (it has socat). */
  static async start(
    docker: Dockerode,
    options: { image: string; workstationId: string; runId: string; cleanup: Cleanup },
  ): Promise<PortForwarder> {
    const container = await docker.createContainer({
      Image: options.image,
      Entrypoint: ['bash', '-c'],
      // bash as PID 1 reaps the forwarders it adopts.
      Cmd: ['trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
      Labels: { [RUN_LABEL]: options.runId, 'org.lessonproof.role': 'ports' },
      HostConfig: {
        NetworkMode: `container:${options.workstationId}`,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Memory: 128 * 1024 ** 2,
        MemorySwap: 128 * 1024 ** 2,
        PidsLimit: 256,
        Init: false,
      },
    })
    options.cleanup.add(`port forwarder ${container.id.slice(0, 12)}`, () =>
      container.remove({ force: true }).catch(() => undefined),
    )
    await container.start()
    return new PortForwarder(docker, container)
  }

  private async exec(cmd: string[]): Promise<{ stdout: string; exitCode: number | null }> {
    const exec = await this.container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true })
    const stream = (await exec.start({ hijack: true, stdin: false })) as unknown as Readable
    const out: Buffer[] = []
    const sink = new PassThrough()
    sink.on('data', (c: Buffer) => out.push(c))
    this.docker.modem.demuxStream(stream, sink, new PassThrough())
    await new Promise<void>((resolve) => {
      stream.once('end', resolve)
      stream.once('close', resolve)
      stream.once('error', () => resolve())
    })
    let info = await exec.inspect()
    for (let k = 0; k < 20 && info.Running; k++) {
      await sleep(25)
      info = await exec.inspect()
    }
    return { stdout: Buffer.concat(out).toString('utf8'), exitCode: info.Running ? null : info.ExitCode }
  }

  /** Forwards each mapping of a container (by its key) to its address on the private network. */
  async add(key: string, address: string, mappings: PortMapping[]): Promise<void> {
    const pids: string[] = []
    for (const m of mappings) {
      const proto = m.proto === 'udp' ? 'UDP' : 'TCP'
      const bind = m.hostIp === '' || m.hostIp === '0.0.0.0' ? '0.0.0.0' : m.hostIp
      const result = await this.exec([
        'bash',
        '-c',
        'socat "$1-LISTEN:$2,bind=$3,fork,reuseaddr" "$1:$4:$5" </dev/null >/dev/null 2>&1 & echo $!',
        'forward',
        proto,
        String(m.hostPort),
        bind,
        address,
        String(m.containerPort),
      ])
      const pid = result.stdout.trim()
      if (/^\d+$/.test(pid)) pids.push(pid)
    }
    this.pids.set(key, [...(this.pids.get(key) ?? []), ...pids])
  }

  /** Stops forwarding a container's ports (it stopped, or was removed). */
  async remove(key: string): Promise<void> {
    const pids = this.pids.get(key) ?? []
    this.pids.delete(key)
    if (pids.length > 0) await this.exec(['kill', ...pids]).catch(() => undefined)
  }

  /**
   * Waits until a container listens on each TCP port, without connecting to it (a connection
   * would show in the app's log): a short-lived watcher in the container's network namespace
   * reads its listening sockets from /proc/net/tcp. Returns the ports it never listened on.
   */
  async waitListening(
    containerId: string,
    ports: number[],
    options: { image: string; runId: string; timeoutMs: number },
  ): Promise<number[]> {
    if (ports.length === 0) return []
    const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000))
    const watcher = await this.docker.createContainer({
      Image: options.image,
      Entrypoint: ['bash', '-c'],
      Cmd: [
        `end=$((SECONDS+${seconds}))
while :; do
  missing=""
  for p in ${ports.map(String).join(' ')}; do
    h=$(printf '%04X' "$p")
    grep -qE "^ *[0-9]+: [0-9A-F]+:$h [0-9A-F]+:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null || missing="$missing $p"
  done
  [ -z "$missing" ] && exit 0
  [ "$SECONDS" -ge "$end" ] && { echo $missing; exit 1; }
  sleep 0.2
done`,
      ],
      Labels: { [RUN_LABEL]: options.runId, 'org.lessonproof.role': 'watcher' },
      HostConfig: {
        NetworkMode: `container:${containerId}`,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Memory: 64 * 1024 ** 2,
        MemorySwap: 64 * 1024 ** 2,
        PidsLimit: 64,
      },
    })
    try {
      await watcher.start()
      const status = (await watcher.wait()) as { StatusCode: number }
      if (status.StatusCode === 0) return []
      const logs = (await watcher.logs({ stdout: true, stderr: false })) as unknown as Buffer
      // Frames of an attached log: 8 bytes of header (stream, size), then the text.
      let text = ''
      for (let at = 0; at + 8 <= logs.length; at += 8 + logs.readUInt32BE(at + 4))
        text += logs.subarray(at + 8, at + 8 + logs.readUInt32BE(at + 4)).toString('utf8')
      const missing = (text.match(/\d+/g) ?? []).map(Number).filter((p) => ports.includes(p))
      return missing.length > 0 ? missing : ports
    } catch {
      // The container stopped before the watcher could join its network namespace.
      return ports
    } finally {
      await watcher.remove({ force: true }).catch(() => undefined)
    }
  }

  /** Removes the sidecar and every forwarder in it. */
  async close(): Promise<void> {
    await this.container.remove({ force: true }).catch(() => undefined)
  }
}
