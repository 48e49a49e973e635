import { z } from 'zod';

/** An ISO 8601 calendar date (yyyy-mm-dd) that exists. */
export const isoDate = z.iso.date({ message: 'Enter a real date as yyyy-mm-dd, for example 2019-04-01' });

/** This month as yyyy-mm, in UK time. */
export const thisMonth = (now = new Date()) => today(now).slice(0, 7);

/** Today's date in ISO form, in UK time, which is what "current" means to a council. */
export function today(now = new Date()): string {
  return now.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
}
