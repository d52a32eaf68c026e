/**
 * `PORT_OFFSET=auto` for the commands that launch labs (`up`, `run`, `shrink`, `breaking-point`): a
 * free port block is picked (common/src/port-claims.ts) and the variable set to it before the settings
 * are read, so the settings and every child see the number.
 */
import { isLabError, labSpan, pickPortOffset, readDotenv } from '@chaos-lab/common';

/**
 * Resolves `PORT_OFFSET=auto` (environment, `.env` or `--port-offset auto`): picks a free block and sets
 * the variable to it; any other value is left to the settings.
 * @returns false when no block is free (the reason printed)
 */
export async function resolveAutoPortOffset(): Promise<boolean> {
  const value = process.env.PORT_OFFSET ?? readDotenv().PORT_OFFSET;
  if (value?.trim().toLowerCase() !== 'auto') return true;
  try {
    const offset = await pickPortOffset();
    process.env.PORT_OFFSET = String(offset);
    const { first, last } = labSpan(offset);
    process.stdout.write(`PORT_OFFSET=auto: ${offset} (ports ${first}–${last})\n`);
    return true;
  } catch (err) {
    if (!isLabError(err, 'PORT_IN_USE')) throw err;
    process.stdout.write(`chaos-lab: ${err.message}\n`);
    return false;
  }
}
