/**
 * Debian's headless Chromium for the report specs, driven by playwright-core (which downloads
 * no browser of its own). Installed from Debian's archive when missing and this runs as root.
 */
import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'
import { aptInstall } from './apt.js'

export const CHROMIUM = '/usr/bin/chromium'

/** Chromium's path, installing Debian's package when it is missing; a reason string when it cannot be had. */
export async function ensureChromium(): Promise<string | { missing: string }> {
  const present = () =>
    access(CHROMIUM).then(
      () => true,
      () => false,
    )
  if (await present()) return CHROMIUM
  if (process.getuid?.() !== 0)
    return { missing: `${CHROMIUM} is not installed (apt-get install -y chromium)` }
  const apt = await aptInstall('chromium')
  if (!apt.ok || !(await present())) return { missing: `apt-get install chromium failed:\n${apt.log}` }
  return CHROMIUM
}

/** A headless browser with a fresh profile in a temp dir; `close()` removes it. */
export async function openBrowser(
  executablePath: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'lessonproof-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
