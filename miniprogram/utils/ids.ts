// Client-made keys: one idempotency key per draft, so a retried submission is stored once.
const KEY_LENGTH = 24;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Matches the schemas' IDEMPOTENCY_KEY_PATTERN (^[0-9A-Za-z_-]{8,64}$). */
export function newIdempotencyKey(random: () => number = Math.random): string {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i += 1) key += ALPHABET.charAt(Math.floor(random() * ALPHABET.length));
  return key;
}
