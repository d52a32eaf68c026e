/** @chaos-lab/lab: the `chaos-lab` command and the launcher behind `npm start`. */
export { buildProgram, main } from './cli.js';
