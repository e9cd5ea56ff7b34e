/**
 * Every patch id that workflow code passes to `patched()`, with the release
 * whose runs it protects, in one place (as the Temporal SDK keeps its own
 * flags in packages/workflow/src/flags.ts).
 *
 * Ferry has no tagged release yet, so the list is empty: until the first
 * release, workflow code changes without patched() and the replay histories
 * are recorded afresh (`node -r tsx/cjs scripts/record-histories.ts`). From
 * the first tag on, every behaviour change to workflow code is guarded by
 * `patched(PATCHES.<id>.id)`, listed here with the release that runs without
 * it, and the histories of that release stay in test/replay/histories/.
 */
export const PATCHES = {} as const satisfies Record<string, { id: string; protects: string }>;
