/**
 * Helpers of the agent-under-test tests: the project root (where examples/ is), and a test lab's
 * settings with more overrides.
 */
import type { Settings } from '@chaos-lab/common';
import { testSettings } from '@chaos-lab/common/testing';
import type { TestLab } from './lab.js';

export { PROJECT_ROOT } from '@chaos-lab/common';

/** The lab's settings (its folder, its model server) with `overrides` on top. */
export function testSettingsFrom(lab: TestLab, overrides: Record<string, string>): Settings {
  return testSettings(lab.dir, { MODEL_URL: lab.model.baseUrl, ...overrides });
}
