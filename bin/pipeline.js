#!/usr/bin/env node
// The `pipeline` command: runs the CLI from the compiled engine (dist/<hash>/), built on demand.
import { loadCli } from './engine-build.js'

const { main } = await loadCli()
process.exitCode = await main(process.argv.slice(2))
