/**
 * Paged reads: a list answered one page at a time (`?page=&per_page=`, as the movie service pages its
 * results), so no read of a growing store answers with all of it.
 */
import { integerParam } from './validation.js';

/** The highest page number a request may ask for (a page past the end is answered empty). */
const MAX_PAGE = 100_000;

/**
 * The query fields of a paged read.
 * @param perPage the page size when none is asked for
 * @param maxPerPage the largest page size a request may ask for
 * @returns zod fields `page` (from 1, default 1) and `per_page` (1 to `maxPerPage`), to spread into a
 *   query schema; out-of-range values fail validation with a 400 naming the field
 */
export function pageFields(perPage: number, maxPerPage: number) {
  return { page: integerParam(1, 1, MAX_PAGE), per_page: integerParam(perPage, 1, maxPerPage) };
}

/** Where a page lies in its list: the fields every paged answer carries beside its items. */
export interface PageInfo {
  /** How many items the whole list holds. */
  readonly total: number;
  readonly page: number;
  readonly per_page: number;
  /** How many pages the list fills (0 when empty). */
  readonly total_pages: number;
}

/**
 * Cuts page `page` (from 1) of `per_page` items out of `items`.
 * @returns the page's items and its {@link PageInfo}
 */
export function pageOf<T>(
  items: readonly T[],
  paging: { page: number; per_page: number },
): { info: PageInfo; items: T[] } {
  const { page, per_page } = paging;
  return {
    info: { total: items.length, page, per_page, total_pages: Math.ceil(items.length / per_page) },
    items: items.slice((page - 1) * per_page, page * per_page),
  };
}
