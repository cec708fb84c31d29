import { join } from 'node:path'
import { REPO_ROOT } from '../support/fixtures.js'

/** The engine's entry point, for projects the status tests write into a scratch folder. */
export const INDEX = join(REPO_ROOT, 'src', 'index.ts')

/** One daily incremental over the source raw.events. */
export const DAYS_DEFINITION = `import { declaration, incremental, sql } from ${JSON.stringify(INDEX)}
export const events = declaration({ name: 'events', dataset: 'raw', interval: { column: 'day' } })
export const dailyCounts = incremental({
  name: 'daily_counts',
  dataset: 'shop',
  interval: { column: 'day', start: '2020-01-01', batchDays: 1 },
  write: { strategy: 'replace_interval' },
  assertions: { nonNull: ['day'] },
  query: (ctx) => sql\`select day, count(*) as events from \${ctx.ref('events')}
    where day >= \${ctx.interval.start} and day < \${ctx.interval.end} group by day\`,
})
`
