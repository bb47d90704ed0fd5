/**
 * Tests that check policylint against a real tool (Hugo builds a site, Chromium prints the register) cannot run where the
 * tool is missing. A developer without it gets one skipped test that says why; CI (`.ci/run` sets
 * POLICYLINT_REQUIRE_ORACLES=1) gets a failing one, so a failed install never turns the pipeline green untested.
 */
import { it } from 'vitest';

export const ORACLES_REQUIRED = process.env.POLICYLINT_REQUIRE_ORACLES === '1';

/** Call inside the `describe` of tests that cannot run: `missing` says what is not installed and how to install it. */
export function oracleMissing(missing: string): void {
  if (ORACLES_REQUIRED) {
    it(`fails: ${missing}, and POLICYLINT_REQUIRE_ORACLES=1 requires it`, () => {
      throw new Error(`${missing}: POLICYLINT_REQUIRE_ORACLES=1 (set by .ci/run) requires it; install it, or unset the variable to skip`);
    });
  } else {
    it.skip(`skipped: ${missing}`, () => {});
  }
}
