// Installs a Debian package for a spec's setup; reads the package lists first when they are stale.
import { execa } from 'execa'

export async function aptInstall(pkg: string): Promise<{ ok: boolean; log: string }> {
  const env = { DEBIAN_FRONTEND: 'noninteractive' }
  const install = () => execa('apt-get', ['install', '-y', '-q', pkg], { reject: false, all: true, env })
  let result = await install()
  if (result.exitCode !== 0) {
    await execa('apt-get', ['update', '-q'], { reject: false, env })
    result = await install()
  }
  return { ok: result.exitCode === 0, log: result.all?.slice(-2000) ?? '' }
}
