/**
 * Ctrl-C and SIGTERM during an engine run: say so, remove what the run created, then exit
 * 130/143. The only place lessonproof installs signal handlers or exits the process.
 */
export function onSignals(
  cleanup: () => Promise<unknown>,
  write: (text: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  const handler = (signal: NodeJS.Signals) => {
    write(`\nlessonproof: ${signal}, removing what this run created…\n`)
    void cleanup().finally(() => exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
