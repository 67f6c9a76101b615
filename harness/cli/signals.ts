/**
 * Ctrl-C and SIGTERM during an engine run: say so, remove what the run created, then exit
 * 130/143. A second signal while that goes on does not cut it short (that would leave
 * containers and images behind): it says the removal is still going. The only place lessonproof
 * installs signal handlers or exits the process.
 */
export function onSignals(
  cleanup: () => Promise<unknown>,
  write: (text: string) => void,
  exit: (code: number) => void = (code) => process.exit(code),
): () => void {
  let first: NodeJS.Signals | undefined
  const handler = (signal: NodeJS.Signals) => {
    if (first) {
      write(`\nlessonproof: ${signal}: still removing what this run created, then it exits…\n`)
      return
    }
    first = signal
    write(`\nlessonproof: ${signal}, removing what this run created…\n`)
    void cleanup().finally(() => exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
