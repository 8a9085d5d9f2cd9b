/** The environment minus vitest's own variables (vite.config.ts leaves the Remix plugin out under vitest). */
export function withoutVitest(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST"))) as NodeJS.ProcessEnv;
}
