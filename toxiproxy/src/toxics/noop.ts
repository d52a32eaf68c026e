/**
 * noop: passes every byte through unchanged. Links skip it altogether (it is `passthrough`), so a
 * proxy carrying only noop toxics still runs on the plain pipe.
 *
 * Attributes: none.
 * Toxiproxy 2.12.0 semantics (toxics/noop.go).
 */
import { nothingHeld, type ToxicStage, type ToxicType } from './toxic.js';

/** The `noop` toxic type. */
export const noopToxic: ToxicType = {
  name: 'noop',
  goName: 'NoopToxic',
  attributes: [],
  passthrough: true,
  createStage: (_attributes, ctx): ToxicStage => ({
    write: (chunk) => ctx.out.push(chunk),
    end: () => ctx.out.end(),
    interrupt: nothingHeld,
  }),
};
