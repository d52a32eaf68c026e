/**
 * Settings: one zod schema for every variable the lab reads, validated once, failing fast.
 *
 * Sources, highest first: the real environment, then `.env` at the project root (when present), then
 * the defaults of the table. Empty strings count as unset, so compose files can pass `${VAR:-}`
 * through. A bad value throws a `LabError` `SETTINGS_INVALID` whose message has one line per bad
 * variable, of the form `TOXIC_PROB=1.5: must be a number from 0 to 1`; nothing ever falls back
 * silently.
 *
 *   shape.ts        the table: every setting by area, its parser, default and description
 *   parsers.ts      the value parsers the table is written with
 *   fault-kinds.ts  the toxic types and LLM fault kinds settings name
 *   schema.ts       the rules that tie one setting to another; the validated `Settings`
 *   readers.ts      which lab part reads which setting
 *   load.ts         reading the environment and `.env`: `loadSettings`, `settings()`
 *
 * To add a setting: add it to the table (shape.ts) with a `describe()` text (`chaos-lab settings` and
 * docs/settings.md show it), name the parts that read it (readers.ts) and use it through `Settings`.
 */
export * from './fault-kinds.js';
export { settingsShape, type SettingName } from './shape.js';
export * from './readers.js';
export * from './schema.js';
export * from './load.js';
