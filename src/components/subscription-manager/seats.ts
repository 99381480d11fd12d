import { formatNumber } from '../shared/format.ts';

/**
 * Why a seats value cannot be saved, in words, or undefined when it can: a whole number, at
 * least 1 and at least the number of people already on the subscription.
 */
export function validateSeats(input: string, subscribers: number): string | undefined {
  const text = input.trim();
  if (!text) return 'Enter a number of seats.';
  const seats = Number(text);
  if (!Number.isFinite(seats) || !Number.isInteger(seats)) return 'Seats must be a whole number.';
  if (seats < 1) return 'A subscription needs at least 1 seat.';
  if (seats < subscribers) {
    return `${formatNumber(subscribers)} people are on this subscription: remove members before going below ${formatNumber(subscribers)} seats.`;
  }
  return undefined;
}
