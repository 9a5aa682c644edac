/** The time, as a port: campaigns, cut-off dates and retention are tested at any date through it. */
export interface Clock {
  now(): Date;
}

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };
