/**
 * globalSetup of the browser project: finds (or installs, see scripts/chromium.ts) the Chromium the tests launch and
 * provides its path to them (`inject("chromiumPath")`). A machine without one fails the run with one clear line.
 */
import type { TestProject } from "vitest/node";
import { provideChromium } from "./chromium";

declare module "vitest" {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

export default function ensureChromium(project: TestProject) {
  project.provide("chromiumPath", provideChromium());
}
