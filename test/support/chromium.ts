import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Debian's chromium (apt-get install chromium), or CHROMIUM_PATH; null when absent. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
    (p): p is string => Boolean(p),
  )
  return candidates.find((p) => existsSync(p)) ?? null
}

export interface HeadlessRun {
  readonly stdout: string
  readonly stderr: string
}

/** Run headless chromium on a file URL with extra flags (--screenshot=..., --dump-dom), logging to stderr. */
export function headless(chromium: string, args: readonly string[], url: string): Promise<HeadlessRun> {
  return new Promise((resolve, reject) => {
    execFile(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        '--enable-logging=stderr',
        '--v=0',
        ...args,
        url,
      ],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr }),
    )
  })
}

/** Console errors and failed loads the page reported (chromium logs them as CONSOLE lines and net:: errors). */
export function pageErrors(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /CONSOLE|Uncaught|net::ERR_|Failed to load resource/i.test(line))
}
