/**
 * The seven tool service modules, by registry name.
 */
import type { ServiceName } from '@chaos-lab/common';
import type { ToolService } from '../service.js';
import { calculatorService } from './calculator/index.js';
import { calendarService } from './calendar/index.js';
import { messageService } from './message/index.js';
import { movieService } from './movie/index.js';
import { searchService } from './search/index.js';
import { translatorService } from './translator/index.js';
import { weatherService } from './weather/index.js';

/** Every tool service module, keyed by its name in the service registry. */
export const TOOL_SERVICES: Readonly<Record<ServiceName, ToolService>> = Object.freeze({
  search: searchService,
  weather: weatherService,
  movie: movieService,
  calendar: calendarService,
  calculator: calculatorService,
  message: messageService,
  translator: translatorService,
});
