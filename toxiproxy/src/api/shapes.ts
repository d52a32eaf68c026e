/**
 * The JSON shapes of the API (Toxiproxy 2.12.0), with fields in the order Go writes them.
 */

/** A toxic: `{"attributes", "name", "type", "stream", "toxicity"}`; attributes are int64 (bigint). */
export interface ApiToxic {
  attributes: Record<string, bigint>;
  name: string;
  type: string;
  stream: string;
  /** float32 */
  toxicity: number;
}

/** A proxy: `{"name", "listen", "upstream", "enabled", "toxics"}`. */
export interface ApiProxy {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ApiToxic[];
}
