/**
 * Action names known to the type checker. A project's generated file
 * (`includes/action-names.generated.ts`, written by `pipeline compile --write-types`)
 * augments this interface, so a misspelt `ctx.ref('...')` fails `tsc`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- augmented by the generated names file
export interface ActionRegistry {}

/** The union of known action names, or any string before names are generated. */
export type ActionName = [keyof ActionRegistry] extends [never] ? string : keyof ActionRegistry & string
