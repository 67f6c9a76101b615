// The lessonproof CLI run from source, for specs that need a separate process (signals).
import { main } from '../../harness/cli/main.js'

process.exitCode = await main(process.argv.slice(2))
