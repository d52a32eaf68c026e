/** The routes by intent: one per tool (the calendar has three). */
import type { Intent } from '../intents.js';
import { calculateRoute } from './calculate.js';
import { addEventRoute, deleteEventsRoute, eventsRoute } from './calendar.js';
import { inboxRoute } from './inbox.js';
import { sendMessageRoute } from './messages.js';
import { movieRoute } from './movie.js';
import type { Route } from './route.js';
import { searchRoute } from './search.js';
import { translateRoute } from './translate.js';
import { unsupportedRoute } from './unsupported.js';
import { weatherRoute } from './weather.js';

/** Every intent's route. */
export const ROUTES: Readonly<Record<Intent, Route>> = {
  weather: weatherRoute,
  calculate: calculateRoute,
  search: searchRoute,
  movie: movieRoute,
  events: eventsRoute,
  add_event: addEventRoute,
  delete_events: deleteEventsRoute,
  send_message: sendMessageRoute,
  inbox: inboxRoute,
  translate: translateRoute,
  unsupported: unsupportedRoute,
};
